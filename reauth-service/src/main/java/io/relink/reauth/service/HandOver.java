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
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.opentelemetry.api.trace.SpanKind;
import io.relink.events.AccountMigrated;
import io.relink.links.LinkTokens;
import io.relink.nylas.NylasCallException;
import io.relink.nylas.NylasClient;
import io.relink.nylas.NylasConfig;
import io.relink.nylas.NylasConfig.Api;
import io.relink.nylas.TokenGrant;
import io.relink.platform.brand.BrandCheck;
import io.relink.platform.brand.BrandConfig;
import io.relink.platform.outbox.Outbox;
import io.relink.platform.tracing.AccountTraces;
import io.relink.reauth.config.MicrosoftConfig;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.model.Migration;
import io.relink.reauth.model.OAuthState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

/**
 * The OAuth hand-over, as the contract orders it: a one-time state bound to the browser, checked and marked used
 * before the single code exchange; the returned address must match the link's; a new account id cancels and
 * revokes the old account; the token is stored encrypted and AccountMigrated goes out through the outbox.
 */
@ApplicationScoped
@Startup
public class HandOver {
    private static final Logger LOG = Logger.getLogger(HandOver.class);

    /** Why a hand-over stops; the page shown says what to do, not why in detail. */
    public enum Refusal {
        LINK_INVALID, LINK_EXPIRED, ALREADY_MIGRATED, TOO_MANY_STARTS, FOREIGN_SITE, STATE_INVALID, HAND_OVER_IN_PROGRESS,
        SIGN_IN_CANCELLED, WRONG_ACCOUNT, NYLAS_FAILED,
        /** Native mode: Microsoft refused the code (used already, or not this browser's: its PKCE verifier does not match). */
        SIGN_IN_NOT_CONFIRMED,
        /** Native mode: Microsoft's token endpoint failed, or refused the Azure app's credentials. */
        MICROSOFT_FAILED,
        /** The link of an operator's test email: it works, and can never reconnect a mailbox. */
        TEST_LINK
    }

    public static final class RefusedException extends RuntimeException {
        private final Refusal refusal;
        private final String linkToken;

        public RefusedException(Refusal refusal, String linkToken) {
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

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReauthConfig config;
    private final NylasConfig nylasConfig;
    private final SignInMethod signIn;
    private final AccountTraces traces;
    private final LinkTokens links;
    private final NylasClient nylas;
    private final TokenCipher cipher;
    private final Outbox outbox;
    private final Clock clock;
    private final EntityManager entityManager;
    private final OldGrantPolicy oldGrant;

    HandOver(ReauthConfig config, MicrosoftConfig microsoftConfig, NylasConfig nylasConfig, HostedSignIn hosted, NativeSignIn nativeAuth,
            LinkTokens links, NylasClient nylas, TokenCipher cipher, Outbox outbox, Clock clock, EntityManager entityManager, AccountTraces traces,
            BrandConfig brand) {
        this.config = config;
        this.nylasConfig = nylasConfig;
        // Checked here, at start: a deployment with a setting missing or wrong does not start, and says which.
        BrandCheck.check(brand, false);
        if (nylasConfig.api() == Api.V2 && config.reauth().scopes().filter(s -> !s.isBlank()).isEmpty()) {
            throw new IllegalStateException("relink.reauth.scopes (RELINK_REAUTH_SCOPES) is required with Nylas v2: the Nylas scopes the "
                    + "customer's application uses today");
        }
        if (config.reauth().mode() == ReauthConfig.Mode.NATIVE) {
            NativeSignIn.checkSettings(microsoftConfig);
            this.signIn = nativeAuth;
        } else {
            HostedSignIn.checkSettings(config, nylasConfig);
            this.signIn = hosted;
        }
        this.oldGrant = OldGrantPolicy.parse(config.reauth().oldGrant());
        this.traces = traces;
        this.links = links;
        this.nylas = nylas;
        this.cipher = cipher;
        this.outbox = outbox;
        this.clock = clock;
        this.entityManager = entityManager;
        LOG.infof("users sign in by %s authentication (Nylas %s); old grants: %s", config.reauth().mode().name().toLowerCase(Locale.ROOT),
                nylasConfig.api().name().toLowerCase(Locale.ROOT), oldGrant);
    }

    /** The link's claims, refusing an invalid or expired link and an account already migrated. Changes nothing. */
    public LinkTokens.Claims open(String linkToken) {
        LinkTokens.Claims claims;
        try {
            claims = links.verify(linkToken, LinkTokens.Purpose.REAUTH);
        } catch (LinkTokens.InvalidLinkException e) {
            if (e.reason() == LinkTokens.InvalidLinkException.Reason.WRONG_PURPOSE && isTestLink(linkToken)) {
                throw new RefusedException(Refusal.TEST_LINK, null);
            }
            LOG.infof("link refused: %s", e.reason());
            throw new RefusedException(e.reason() == LinkTokens.InvalidLinkException.Reason.EXPIRED ? Refusal.LINK_EXPIRED : Refusal.LINK_INVALID, null);
        }
        if (QuarkusTransaction.requiringNew().call(() -> Migration.findById(claims.accountId())) != null) {
            throw new RefusedException(Refusal.ALREADY_MIGRATED, null);
        }
        return claims;
    }

    private boolean isTestLink(String linkToken) {
        try {
            links.verify(linkToken, LinkTokens.Purpose.TEST);
            return true;
        } catch (LinkTokens.InvalidLinkException e) {
            return false;
        }
    }

    /**
     * The button: a fresh one-time state, stored hashed with the hash of the browser cookie it is bound to. An account
     * whose links started {@code starts-per-minute} sign-ins in the last minute gets no more for now.
     */
    public Authorization start(String linkToken) {
        LinkTokens.Claims claims = open(linkToken);
        return traces.inSpan("hand-over start", SpanKind.INTERNAL, traces.stored(claims.traceParent()), () -> start(linkToken, claims));
    }

    private Authorization start(String linkToken, LinkTokens.Claims claims) {
        String state = random(32);
        String cookie = random(32);
        Instant now = clock.instant();
        OAuthState row = new OAuthState();
        row.stateHash = hash(state);
        row.cookieHash = hash(cookie);
        row.accountId = claims.accountId();
        row.email = claims.email();
        row.traceParent = claims.traceParent();
        row.createdAt = now;
        row.expiresAt = now.plus(config.reauth().stateLifetime());
        String signInUrl = signIn.begin(state, claims.email(), row);
        boolean created = QuarkusTransaction.requiringNew().call(() -> {
            long recent = OAuthState.count("accountId = ?1 and createdAt > ?2", claims.accountId(), now.minusSeconds(60));
            if (recent >= config.reauth().startsPerMinute()) {
                return false;
            }
            row.persist();
            return true;
        });
        if (!created) {
            recordFailure(claims.accountId(), Refusal.TOO_MANY_STARTS, "more than " + config.reauth().startsPerMinute() + " sign-ins started within a minute");
            throw new RefusedException(Refusal.TOO_MANY_STARTS, linkToken);
        }
        return new Authorization(signInUrl, cookie);
    }

    /** The callback: every check of the contract, in its order; returns the migrated account id. */
    public String complete(String code, String state, String error, String cookie) {
        if (state == null || state.isBlank() || cookie == null || cookie.isBlank()) {
            throw new RefusedException(Refusal.STATE_INVALID, null);
        }
        Claim claim = claim(hash(state), hash(cookie), clock.instant());
        OAuthState claimed = claim.state();
        if (claim.refusal() != null) {
            throw new RefusedException(claim.refusal(), null);
        }
        return traces.inSpan("hand-over complete", SpanKind.INTERNAL, traces.stored(claimed.traceParent), () -> complete(claimed, code, error));
    }

    private String complete(OAuthState claimed, String code, String error) {
        String retry = links.issue(LinkTokens.Purpose.REAUTH, claimed.accountId, claimed.email, claimed.traceParent);
        if (error != null || code == null || code.isBlank()) {
            release(claimed.stateHash);
            recordFailure(claimed.accountId, Refusal.SIGN_IN_CANCELLED, "the user cancelled the sign-in, or the identity provider refused it");
            throw new RefusedException(Refusal.SIGN_IN_CANCELLED, retry);
        }
        TokenGrant grant;
        try {
            grant = signIn.finish(code, claimed); // once: a code is single-use, so no retry
        } catch (SignInMethod.SignInFailure e) {
            release(claimed.stateHash);
            recordFailure(claimed.accountId, e.refusal(), e.getMessage());
            throw new RefusedException(e.refusal(), retry);
        }
        if (grant.emailAddress() == null || !grant.emailAddress().trim().toLowerCase(Locale.ROOT).equals(claimed.email.trim().toLowerCase(Locale.ROOT))) {
            release(claimed.stateHash);
            recordFailure(claimed.accountId, Refusal.WRONG_ACCOUNT, "signed in as a different mailbox than the link's");
            throw new RefusedException(Refusal.WRONG_ACCOUNT, retry);
        }
        boolean idChanged = !grant.accountId().equals(claimed.accountId);
        Retirement retired = nylasConfig.api() == Api.V3 ? readOldGrant(claimed.accountId) : retireV2Account(claimed, grant, idChanged);
        QuarkusTransaction.requiringNew().run(() -> {
            Migration migration = new Migration();
            migration.accountId = claimed.accountId;
            migration.newAccountId = grant.accountId();
            migration.email = claimed.email;
            migration.provider = grant.provider() == null ? "unknown" : grant.provider();
            if (grant.accessToken() != null) {
                TokenCipher.Sealed token = cipher.seal(claimed.accountId, grant.accessToken());
                migration.tokenCiphertext = token.bytes();
                migration.tokenKeyId = token.keyId();
            }
            migration.previousCancelled = retired.cancelled();
            migration.previousProvider = retired.provider();
            migration.v2AccountId = retired.v2AccountId();
            migration.migratedAt = clock.instant();
            // v3: the old grant is kept, or deleted once the grace has passed (OldGrants); never one that Nylas kept.
            migration.oldGrantDeleteAt = nylasConfig.api() == Api.V3 && idChanged ? oldGrant.deleteAt(migration.migratedAt) : null;
            migration.persist();
            outbox.publish(AccountMigrated.of(migration.migratedAt, claimed.accountId, grant.accountId(), migration.provider,
                    retired.cancelled(), retired.provider(), retired.v2AccountId()));
        });
        LOG.infof("account %s migrated (new id %s)", claimed.accountId, grant.accountId());
        return claimed.accountId;
    }

    /** What became of the old account, and what is known of it. */
    private record Retirement(boolean cancelled, String provider, String v2AccountId) {
    }

    /**
     * v2: a new account id cancels the old account (downgrade, unless configured off) and revokes its tokens; a kept id
     * may revoke the old tokens ({@code revoke-old-tokens}). A failure is recorded for operators: the new account works.
     */
    private Retirement retireV2Account(OAuthState claimed, TokenGrant grant, boolean idChanged) {
        boolean cancelled = false;
        if (idChanged) {
            try {
                if (config.reauth().downgradeOldAccount()) {
                    nylas.downgrade(claimed.accountId);
                    cancelled = true;
                }
                nylas.revokeAllExcept(claimed.accountId, grant.accessToken());
            } catch (NylasCallException e) {
                recordFailure(claimed.accountId, null, "old account not fully retired: " + e.getMessage());
            }
        } else if (config.reauth().revokeOldTokens()) {
            try {
                nylas.revokeAllExcept(claimed.accountId, grant.accessToken());
            } catch (NylasCallException e) {
                recordFailure(claimed.accountId, null, "old tokens not revoked: " + e.getMessage());
            }
        }
        return new Retirement(cancelled, null, null);
    }

    /**
     * v3: the old grant stays as it is for now ({@code relink.reauth.old-grant} may delete it later); its connector
     * and v2 account id are read for AccountMigrated. If that read fails the migration stands, without them.
     */
    private Retirement readOldGrant(String grantId) {
        try {
            return nylas.account(grantId).map(g -> new Retirement(false, g.provider(), g.v2AccountId())).orElse(new Retirement(false, null, null));
        } catch (NylasCallException e) {
            LOG.warnf("the old grant %s could not be read for its provider: %s", grantId, e.getMessage());
            return new Retirement(false, null, null);
        }
    }

    /** The claimed state (null when unknown), or the refusal that stops the hand-over before any code exchange. */
    private record Claim(OAuthState state, Refusal refusal) {
    }

    /**
     * Claims a state for its callback, in one transaction over all of its account's states (locked in one order, so
     * two callbacks of one account wait for each other instead of deadlocking). Unknown, expired, used or bound to
     * another browser: refused. Used from here on, whatever follows. Then one hand-over per account: refused if the
     * account has migrated, or if another state's callback is exchanging a code right now (a second device).
     */
    private Claim claim(String stateHash, String cookieHash, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            // The account id alone first: the rows are read only under the lock, never from an earlier unlocked read.
            String accountId = entityManager.createQuery("select s.accountId from OAuthState s where s.stateHash = :hash", String.class)
                    .setParameter("hash", stateHash).getResultStream().findFirst().orElse(null);
            if (accountId == null) {
                return new Claim(null, Refusal.STATE_INVALID);
            }
            List<OAuthState> ofAccount = OAuthState.<OAuthState>find("accountId = ?1 order by stateHash", accountId)
                    .withLock(LockModeType.PESSIMISTIC_WRITE).list();
            OAuthState mine = ofAccount.stream().filter(s -> s.stateHash.equals(stateHash)).findFirst().orElse(null);
            if (mine == null) {
                return new Claim(null, Refusal.STATE_INVALID);
            }
            boolean usable = mine.usedAt == null && mine.expiresAt.isAfter(now)
                    && MessageDigest.isEqual(mine.cookieHash.getBytes(StandardCharsets.US_ASCII), cookieHash.getBytes(StandardCharsets.US_ASCII));
            if (usable) {
                mine.usedAt = now;
            }
            // Back or reload after the done page, or a second device: say it is done rather than that something failed.
            if (Migration.findById(accountId) != null) {
                return new Claim(mine, Refusal.ALREADY_MIGRATED);
            }
            if (!usable) {
                return new Claim(mine, Refusal.STATE_INVALID);
            }
            if (ofAccount.stream().anyMatch(s -> s != mine && s.exchangeUntil != null && s.exchangeUntil.isAfter(now))) {
                return new Claim(mine, Refusal.HAND_OVER_IN_PROGRESS);
            }
            // Long enough for the sign-in's calls (three in native mode) and the old account's retirement (two); lapses
            // if this service dies meanwhile.
            mine.exchangeUntil = now.plus(nylasConfig.requestTimeout().multipliedBy(6));
            return new Claim(mine, null);
        });
    }

    /** Lets another of the account's states start a hand-over at once, after this one failed before migrating. */
    private void release(String stateHash) {
        QuarkusTransaction.requiringNew().run(() -> OAuthState.update("exchangeUntil = null where stateHash = ?1", stateHash));
    }

    /**
     * For operators (the console's problems and timelines): a hand-over that stopped after the user came back from the
     * sign-in ({@code refusal}), or a migration whose old v2 account was not fully retired (null).
     */
    private void recordFailure(String accountId, Refusal refusal, String reason) {
        LOG.warnf("hand-over for account %s failed: %s", accountId, reason);
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                "INSERT INTO reauth_failure (id, account_id, refusal, reason, occurred_at) VALUES (:id, :account, :refusal, :reason, :at)")
                .setParameter("id", UUID.randomUUID()).setParameter("account", accountId)
                .setParameter("refusal", refusal == null ? null : refusal.name()).setParameter("reason", reason)
                .setParameter("at", clock.instant()).executeUpdate());
    }

    /**
     * A new PKCE verifier for a sign-in started as {@code signIn}, kept in the state's row encrypted and bound to its
     * state: a row copied to another state does not decrypt.
     */
    static String newVerifier(TokenCipher cipher, OAuthState row, String signIn) {
        String verifier = random(32);
        TokenCipher.Sealed sealed = cipher.seal(row.stateHash, verifier);
        row.codeVerifier = sealed.bytes();
        row.codeVerifierKeyId = sealed.keyId();
        row.signIn = signIn;
        return verifier;
    }

    /** The PKCE verifier {@link #newVerifier} kept in a claimed state's row. */
    static String verifier(TokenCipher cipher, OAuthState claimed) {
        return cipher.open(claimed.stateHash, claimed.codeVerifierKeyId, claimed.codeVerifier);
    }

    /** {@code bytes} random bytes, base64url without padding: states, cookies, PKCE verifiers. */
    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
