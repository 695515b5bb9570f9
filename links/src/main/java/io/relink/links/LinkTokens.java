package io.relink.links;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The re-authentication link token: {@code v1.<key id>.<payload>.<signature>}, all base64url. The payload
 * carries the account id, the email address, the expiry and 128 random bits (so no two links are alike and none
 * can be guessed); the signature is HMAC-SHA256 over everything before it, with the key the key id names.
 */
@ApplicationScoped
public class LinkTokens {
    private static final String VERSION = "v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int MIN_SECRET_LENGTH = 32;

    /** What a valid token says. */
    public record Claims(String accountId, String email, Instant expiresAt, String keyId) {
    }

    /** Why a token is refused. Messages are for logs and operators, never shown to users as they are. */
    public static final class InvalidLinkException extends RuntimeException {
        public enum Reason { MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED }

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

    public String issue(String accountId, String email) {
        return issue(accountId, email, clock.instant().plus(config.lifetime()));
    }

    public String issue(String accountId, String email, Instant expiresAt) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
        byte[] mail = email.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(16 + 8 + 4 + account.length + 4 + mail.length);
        payload.put(nonce).putLong(expiresAt.getEpochSecond()).putInt(account.length).put(account).putInt(mail.length).put(mail);
        String signed = VERSION + "." + activeKey + "." + B64.encodeToString(payload.array());
        return signed + "." + B64.encodeToString(sign(keys.get(activeKey), signed));
    }

    /** The token's claims, or {@link InvalidLinkException} with the reason. Expiry is checked last. */
    public Claims verify(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
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
            byte[] account = new byte[buffer.getInt()];
            buffer.get(account);
            byte[] mail = new byte[buffer.getInt()];
            buffer.get(mail);
            if (!clock.instant().isBefore(expiresAt)) {
                throw new InvalidLinkException(InvalidLinkException.Reason.EXPIRED, "expired at " + expiresAt);
            }
            return new Claims(new String(account, StandardCharsets.UTF_8), new String(mail, StandardCharsets.UTF_8), expiresAt, parts[1]);
        } catch (RuntimeException e) {
            if (e instanceof InvalidLinkException invalid) {
                throw invalid;
            }
            throw new InvalidLinkException(InvalidLinkException.Reason.MALFORMED, "payload cannot be read");
        }
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
