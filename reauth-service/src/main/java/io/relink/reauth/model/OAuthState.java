package io.relink.reauth.model;

import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A one-time OAuth state, stored only as hashes of itself and of the browser cookie it is bound to. */
@Entity
@Table(name = "oauth_state")
public class OAuthState extends PanacheEntityBase {
    /** {@link #signIn}: v3 hosted authentication (with Nylas's PKCE). */
    public static final String HOSTED_V3 = "hosted-v3";
    /** {@link #signIn}: native (custom) authentication at Microsoft, either API. */
    public static final String NATIVE = "native";

    @Id
    @Column(name = "state_hash")
    public String stateHash;
    @Column(name = "cookie_hash")
    public String cookieHash;
    @Column(name = "account_id")
    public String accountId;
    public String email;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "used_at")
    public Instant usedAt;
    /** While set and in the future, this state's callback is exchanging the account's code. */
    @Column(name = "exchange_until")
    public Instant exchangeUntil;
    /** The account's trace from the link (W3C traceparent); null when tracing was off. */
    @Column(name = "trace_parent")
    public String traceParent;
    /** The PKCE code verifier (native mode, v3 hosted), encrypted with the state's hash as associated data; null in v2 hosted mode. */
    @Column(name = "code_verifier")
    public byte[] codeVerifier;
    @Column(name = "code_verifier_key_id")
    public String codeVerifierKeyId;
    /** How the sign-in was started ({@link #HOSTED_V3}, {@link #NATIVE}); null for v2 hosted, and for rows of before. */
    @Column(name = "sign_in")
    public String signIn;
}
