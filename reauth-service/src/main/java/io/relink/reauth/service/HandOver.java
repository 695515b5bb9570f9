package io.relink.reauth.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.relink.events.AccountMigrated;
import io.relink.links.LinkTokens;
import io.relink.platform.outbox.Outbox;
import io.relink.reauth.client.NylasAuthClient;
import io.relink.reauth.client.NylasAuthClient.NylasCallException;
import io.relink.reauth.client.NylasAuthClient.TokenGrant;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.model.Migration;
import io.relink.reauth.model.OAuthState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * The OAuth hand-over, as the contract orders it: a one-time state bound to the browser, checked and marked used
 * before the single code exchange; the returned address must match the link's; a new account id cancels and
 * revokes the old account; the token is stored encrypted and AccountMigrated goes out through the outbox.
 */
@ApplicationScoped
public class HandOver {
    private static final Logger LOG = Logger.getLogger(HandOver.class);

    /** Why a hand-over stops; the page shown says what to do, not why in detail. */
    public enum Refusal {
        LINK_INVALID, LINK_EXPIRED, ALREADY_MIGRATED, STATE_INVALID, SIGN_IN_CANCELLED, WRONG_ACCOUNT, NYLAS_FAILED
    }

    public static final class RefusedException extends RuntimeException {
        private final Refusal refusal;
        private final String linkToken;

        RefusedException(Refusal refusal, String linkToken) {
            super(refusal.name());
            this.refusal = refusal;
            this.linkToken = linkToken;
        }

        public Refusal refusal() {
            return refusal;
        }

        /** The user's link, when known, so the page can let them start again. */
        public String linkToken() {
            return linkToken;
        }
    }

    /** Where to send the browser to sign in, and the cookie value that binds the state to it. */
    public record Authorization(String authorizeUrl, String cookie) {
    }

    private final ReauthConfig config;
    private final LinkTokens links;
    private final NylasAuthClient nylas;
    private final TokenCipher cipher;
    private final Outbox outbox;
    private final Clock clock;
    private final EntityManager entityManager;
    private final SecureRandom random = new SecureRandom();

    public HandOver(ReauthConfig config, LinkTokens links, NylasAuthClient nylas, TokenCipher cipher, Outbox outbox, Clock clock,
            EntityManager entityManager) {
        this.config = config;
        this.links = links;
        this.nylas = nylas;
        this.cipher = cipher;
        this.outbox = outbox;
        this.clock = clock;
        this.entityManager = entityManager;
    }

    public String redirectUri() {
        return config.publicUrl().replaceAll("/+$", "") + "/reauth/callback";
    }

    /** The link's claims, refusing an invalid or expired link and an account already migrated. Changes nothing. */
    public LinkTokens.Claims open(String linkToken) {
        LinkTokens.Claims claims;
        try {
            claims = links.verify(linkToken);
        } catch (LinkTokens.InvalidLinkException e) {
            LOG.infof("link refused: %s", e.reason());
            throw new RefusedException(e.reason() == LinkTokens.InvalidLinkException.Reason.EXPIRED ? Refusal.LINK_EXPIRED : Refusal.LINK_INVALID, null);
        }
        if (QuarkusTransaction.requiringNew().call(() -> Migration.findById(claims.accountId())) != null) {
            throw new RefusedException(Refusal.ALREADY_MIGRATED, null);
        }
        return claims;
    }

    /** The button: a fresh one-time state, stored hashed with the hash of the browser cookie it is bound to. */
    public Authorization start(String linkToken) {
        LinkTokens.Claims claims = open(linkToken);
        String state = random(32);
        String cookie = random(32);
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            OAuthState row = new OAuthState();
            row.stateHash = hash(state);
            row.cookieHash = hash(cookie);
            row.accountId = claims.accountId();
            row.email = claims.email();
            row.createdAt = now;
            row.expiresAt = now.plus(config.reauth().stateLifetime());
            row.persist();
        });
        StringBuilder url = new StringBuilder(ReauthConfig.Nylas.signInBaseUrl(config.nylas())).append("/oauth/authorize")
                .append("?client_id=").append(encode(config.nylas().clientId()))
                .append("&redirect_uri=").append(encode(redirectUri()))
                .append("&response_type=code")
                .append("&scopes=").append(encode(config.reauth().scopes()))
                .append("&login_hint=").append(encode(claims.email()))
                .append("&state=").append(encode(state));
        config.reauth().provider().ifPresent(p -> url.append("&provider=").append(encode(p)));
        return new Authorization(url.toString(), cookie);
    }

    /** The callback: every check of the contract, in its order; returns the migrated account id. */
    public String complete(String code, String state, String error, String cookie) {
        if (state == null || state.isBlank() || cookie == null || cookie.isBlank()) {
            throw new RefusedException(Refusal.STATE_INVALID, null);
        }
        // Claim the state: unknown, expired, used or bound to another browser all refuse; marked used before the exchange.
        Instant now = clock.instant();
        OAuthState claimed = QuarkusTransaction.requiringNew().call(() -> {
            OAuthState row = entityManager.find(OAuthState.class, hash(state), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            if (row == null || row.usedAt != null || !row.expiresAt.isAfter(now)
                    || !MessageDigest.isEqual(row.cookieHash.getBytes(StandardCharsets.US_ASCII), hash(cookie).getBytes(StandardCharsets.US_ASCII))) {
                return null;
            }
            row.usedAt = now;
            return row;
        });
        if (claimed == null) {
            throw new RefusedException(Refusal.STATE_INVALID, null);
        }
        String retry = links.issue(claimed.accountId, claimed.email);
        if (error != null || code == null || code.isBlank()) {
            throw new RefusedException(Refusal.SIGN_IN_CANCELLED, retry);
        }
        TokenGrant grant;
        try {
            grant = nylas.exchange(code); // once: a code is single-use, so no retry
        } catch (NylasCallException e) {
            recordFailure(claimed.accountId, e.getMessage());
            throw new RefusedException(Refusal.NYLAS_FAILED, retry);
        }
        if (grant.emailAddress() == null || !grant.emailAddress().trim().toLowerCase(Locale.ROOT).equals(claimed.email.trim().toLowerCase(Locale.ROOT))) {
            recordFailure(claimed.accountId, "signed in as a different mailbox than the link's");
            throw new RefusedException(Refusal.WRONG_ACCOUNT, retry);
        }
        boolean idChanged = !grant.accountId().equals(claimed.accountId);
        boolean cancelled = false;
        if (idChanged) {
            try {
                if (config.reauth().downgradeOldAccount()) {
                    nylas.downgrade(claimed.accountId);
                    cancelled = true;
                }
                nylas.revokeAllExcept(claimed.accountId, grant.accessToken());
            } catch (NylasCallException e) {
                // The new account works; the old one must still be cancelled: recorded for operators.
                recordFailure(claimed.accountId, "old account not fully retired: " + e.getMessage());
            }
        }
        boolean previousCancelled = cancelled;
        QuarkusTransaction.requiringNew().run(() -> {
            Migration migration = new Migration();
            migration.accountId = claimed.accountId;
            migration.newAccountId = grant.accountId();
            migration.email = claimed.email;
            migration.provider = grant.provider() == null ? "unknown" : grant.provider();
            migration.tokenCiphertext = cipher.encrypt(claimed.accountId, grant.accessToken());
            migration.previousCancelled = previousCancelled;
            migration.migratedAt = clock.instant();
            migration.persist();
            outbox.publish(AccountMigrated.of(migration.migratedAt, claimed.accountId, grant.accountId(), migration.provider, previousCancelled));
        });
        LOG.infof("account %s migrated (new id %s)", claimed.accountId, grant.accountId());
        return claimed.accountId;
    }

    private void recordFailure(String accountId, String reason) {
        LOG.warnf("hand-over for account %s failed: %s", accountId, reason);
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                "INSERT INTO reauth_failure (id, account_id, reason, occurred_at) VALUES (:id, :account, :reason, :at)")
                .setParameter("id", UUID.randomUUID()).setParameter("account", accountId).setParameter("reason", reason)
                .setParameter("at", clock.instant()).executeUpdate());
    }

    private String random(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
