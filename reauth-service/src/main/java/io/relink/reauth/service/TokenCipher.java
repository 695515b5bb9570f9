package io.relink.reauth.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.relink.reauth.config.ReauthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * AES-256-GCM for what reauth keeps secret at rest (access tokens, PKCE verifiers), under key ids so the key can be
 * rotated: new values are sealed with the active key; any configured key opens the values sealed with it. What a
 * value belongs to (the account id, the state hash) is the associated data: a ciphertext moved to another row does
 * not open. Stored as nonce (12 bytes) followed by ciphertext and tag, beside its key id.
 */
@ApplicationScoped
public class TokenCipher {
    /** The id of {@code relink.token.encryption-key}, the one key of the values sealed before keys had ids. */
    public static final String UNNAMED_KEY_ID = "0";

    /** A sealed value and the id of the key that sealed it. */
    public record Sealed(String keyId, byte[] bytes) {
    }

    private static final int NONCE = 12;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public TokenCipher(ReauthConfig config) {
        this(config.token());
    }

    /** Checks every key and the active key id at start, naming the setting that is wrong. Tools and tests build one directly. */
    public TokenCipher(ReauthConfig.Token config) {
        config.encryptionKey().ifPresent(key -> keys.put(UNNAMED_KEY_ID, key("relink.token.encryption-key", key)));
        config.keys().forEach((id, key) -> keys.put(id, key("relink.token.keys." + id, key)));
        if (keys.isEmpty()) {
            throw new IllegalStateException("no token encryption key: set relink.token.keys.<id> (RELINK_TOKEN_KEYS_<ID>) and "
                    + "relink.token.active-key, or relink.token.encryption-key (RELINK_TOKEN_ENCRYPTION_KEY)");
        }
        if (config.activeKey().isEmpty() && keys.size() > 1) {
            throw new IllegalStateException("relink.token.active-key must say which of the token keys " + keys.keySet() + " seals new tokens");
        }
        this.activeKeyId = config.activeKey().orElse(keys.keySet().iterator().next());
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalStateException("relink.token.active-key is " + activeKeyId + ", but there is no relink.token.keys." + activeKeyId);
        }
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /** Seals {@code secret} with the active key, bound to {@code boundTo}. */
    public Sealed seal(String boundTo, String secret) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return new Sealed(activeKeyId, ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    /** Opens a value sealed with key {@code keyId} for {@code boundTo}. */
    public String open(String boundTo, String keyId, byte[] stored) {
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("a value of " + boundTo + " is sealed with token key " + keyId
                    + ", which is no longer configured: keep it until POST /api/migrations/tokens/reseal has run");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, stored, 0, NONCE));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(stored, NONCE, stored.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored value does not decrypt for " + boundTo + " with token key " + keyId, e);
        }
    }

    private static SecretKeySpec key(String property, String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " must be base64 (of 32 random bytes)");
        }
        if (raw.length != 32) {
            throw new IllegalStateException(property + " must be 32 bytes (base64 of 32 random bytes), was " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }
}
