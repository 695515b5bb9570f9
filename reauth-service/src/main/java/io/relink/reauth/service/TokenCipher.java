package io.relink.reauth.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.relink.reauth.config.ReauthConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * AES-256-GCM for stored access tokens, with the account id as associated data: a ciphertext moved to another
 * account's row does not decrypt. Stored as nonce (12 bytes) followed by ciphertext and tag.
 */
@ApplicationScoped
public class TokenCipher {
    private static final int NONCE = 12;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public TokenCipher(ReauthConfig config) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(config.token().encryptionKey().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("relink.token.encryption-key must be base64", e);
        }
        if (raw.length != 32) {
            throw new IllegalStateException("relink.token.encryption-key must be 32 bytes (base64 of 32 random bytes), was " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    public byte[] encrypt(String accountId, String token) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(accountId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    public String decrypt(String accountId, byte[] stored) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, stored, 0, NONCE));
            cipher.updateAAD(accountId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(stored, NONCE, stored.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored token does not decrypt for account " + accountId, e);
        }
    }
}
