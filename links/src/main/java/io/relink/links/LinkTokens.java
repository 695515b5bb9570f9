package io.relink.links;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The re-authentication link token: {@code v1.<key id>.<payload>.<signature>}, all base64url. The payload
 * carries 128 random bits (so no two links are alike and none can be guessed), the expiry, the purpose, the
 * account id and the email address; the signature is HMAC-SHA256 over everything before it, with the key the key
 * id names. The purpose keeps a token minted for one use from being accepted for another with the same keys.
 */
@ApplicationScoped
public class LinkTokens {
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final String VERSION = "v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int MIN_SECRET_LENGTH = 32;

    /** What a token may be used for; {@link #verify} accepts a token only for the purpose it was issued for. */
    public enum Purpose {
        /** The emailed link that starts a re-authentication. */
        REAUTH,
        /**
         * The link in an operator's test copy of an email: it opens a page that says so, and can never start a
         * re-authentication, since a REAUTH check refuses it.
         */
        TEST
    }

    /** What a valid token says. */
    /**
     * What a token says. {@code traceParent} is the W3C trace context of the email that carried the link, so the
     * hand-over continues the account's trace; null when tracing was off (and in links issued before it existed).
     */
    public record Claims(String accountId, String email, Instant expiresAt, String keyId, String traceParent) {
    }

    /** Why a token is refused. Messages are for logs and operators, never shown to users as they are. */
    public static final class InvalidLinkException extends RuntimeException {
        public enum Reason { MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, WRONG_PURPOSE, EXPIRED }

        private final Reason reason;

        InvalidLinkException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final Map<String, byte[]> keys = new HashMap<>();
    private final String activeKey;
    private final LinkConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public LinkTokens(LinkConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        config.keys().forEach((id, secret) -> {
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalStateException("relink.link.keys." + id + " must be at least " + MIN_SECRET_LENGTH + " characters");
            }
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalStateException("link key id '" + id + "' must be letters, digits, '-' or '_'");
            }
            keys.put(id, secret.getBytes(StandardCharsets.UTF_8));
        });
        if (!keys.containsKey(config.activeKey())) {
            throw new IllegalStateException("relink.link.active-key '" + config.activeKey() + "' is not among relink.link.keys");
        }
        this.activeKey = config.activeKey();
    }

    /** How long a link works ({@code relink.link.lifetime}). */
    public Duration lifetime() {
        return config.lifetime();
    }

    public String issue(Purpose purpose, String accountId, String email) {
        return issue(purpose, accountId, email, (String) null);
    }

    /** A link in the trace {@code traceParent} (a W3C traceparent, or null for none). */
    public String issue(Purpose purpose, String accountId, String email, String traceParent) {
        return issue(purpose, accountId, email, clock.instant().plus(config.lifetime()), traceParent);
    }

    public String issue(Purpose purpose, String accountId, String email, Instant expiresAt) {
        return issue(purpose, accountId, email, expiresAt, null);
    }

    public String issue(Purpose purpose, String accountId, String email, Instant expiresAt, String traceParent) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        byte[] use = purpose.name().getBytes(StandardCharsets.UTF_8);
        byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
        byte[] mail = email.getBytes(StandardCharsets.UTF_8);
        // The trace is an optional last field: links issued without it stay valid.
        byte[] trace = traceParent != null && TRACEPARENT.matcher(traceParent).matches() ? traceParent.getBytes(StandardCharsets.US_ASCII) : null;
        ByteBuffer payload = ByteBuffer.allocate(16 + 8 + 4 + use.length + 4 + account.length + 4 + mail.length
                + (trace == null ? 0 : 4 + trace.length));
        payload.put(nonce).putLong(expiresAt.getEpochSecond()).putInt(use.length).put(use).putInt(account.length).put(account)
                .putInt(mail.length).put(mail);
        if (trace != null) {
            payload.putInt(trace.length).put(trace);
        }
        String signed = VERSION + "." + activeKey + "." + B64.encodeToString(payload.array());
        return signed + "." + B64.encodeToString(sign(keys.get(activeKey), signed));
    }

    /**
     * The token's claims, or {@link InvalidLinkException} with the reason. Exactly four non-empty segments (a
     * trailing or doubled dot is malformed, not ignored); expiry is checked last.
     */
    public Claims verify(String token, Purpose purpose) {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0]) || parts[2].isEmpty() || parts[3].isEmpty()) {
            throw new InvalidLinkException(InvalidLinkException.Reason.MALFORMED, "not a link token");
        }
        byte[] key = keys.get(parts[1]);
        if (key == null) {
            throw new InvalidLinkException(InvalidLinkException.Reason.UNKNOWN_KEY, "signed with a key that is not configured: " + parts[1]);
        }
        byte[] signature;
        byte[] payload;
        try {
            signature = B64D.decode(parts[3]);
            payload = B64D.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidLinkException(InvalidLinkException.Reason.MALFORMED, "not base64url");
        }
        if (!MessageDigest.isEqual(signature, sign(key, parts[0] + "." + parts[1] + "." + parts[2]))) {
            throw new InvalidLinkException(InvalidLinkException.Reason.BAD_SIGNATURE, "signature does not match");
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            buffer.position(16);
            Instant expiresAt = Instant.ofEpochSecond(buffer.getLong());
            String use = field(buffer);
            String account = field(buffer);
            String mail = field(buffer);
            String trace = buffer.hasRemaining() ? field(buffer) : null;
            if (buffer.hasRemaining() || (trace != null && !TRACEPARENT.matcher(trace).matches())) {
                throw new InvalidLinkException(InvalidLinkException.Reason.MALFORMED, "payload has trailing bytes");
            }
            if (!purpose.name().equals(use)) {
                throw new InvalidLinkException(InvalidLinkException.Reason.WRONG_PURPOSE, "issued for " + use + ", not " + purpose);
            }
            if (!clock.instant().isBefore(expiresAt)) {
                throw new InvalidLinkException(InvalidLinkException.Reason.EXPIRED, "expired at " + expiresAt);
            }
            return new Claims(account, mail, expiresAt, parts[1], trace);
        } catch (RuntimeException e) {
            if (e instanceof InvalidLinkException invalid) {
                throw invalid;
            }
            throw new InvalidLinkException(InvalidLinkException.Reason.MALFORMED, "payload cannot be read");
        }
    }

    private static String field(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] sign(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
