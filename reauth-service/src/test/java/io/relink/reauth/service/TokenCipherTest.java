package io.relink.reauth.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.relink.reauth.config.ReauthConfig;

/** Token keys with ids: sealed with the active one, opened with whichever sealed, rotated without losing a token. */
@Tag("unit")
class TokenCipherTest {
    private static final String OLD = key(1);
    private static final String NEW = key(2);

    @Test
    void theUnnamedKeyAloneSealsAsKeyZero() {
        TokenCipher cipher = new TokenCipher(config(OLD, Map.of(), null));
        TokenCipher.Sealed sealed = cipher.seal("acc-1", "token-1");
        assertEquals("0", sealed.keyId());
        assertEquals("token-1", cipher.open("acc-1", "0", sealed.bytes()));
    }

    @Test
    void afterARotationOldTokensStillOpenAndNewOnesAreSealedWithTheActiveKey() {
        TokenCipher.Sealed before = new TokenCipher(config(OLD, Map.of(), null)).seal("acc-1", "token-1");
        TokenCipher rotated = new TokenCipher(config(OLD, Map.of("k2", NEW), "k2"));
        assertEquals("token-1", rotated.open("acc-1", before.keyId(), before.bytes()));
        TokenCipher.Sealed after = rotated.seal("acc-1", "token-1");
        assertEquals("k2", after.keyId());
        assertFalse(Arrays.equals(before.bytes(), after.bytes()));

        TokenCipher withoutOld = new TokenCipher(config(null, Map.of("k2", NEW), null));
        assertEquals("token-1", withoutOld.open("acc-1", "k2", after.bytes()));
        String refusal = assertThrows(IllegalStateException.class, () -> withoutOld.open("acc-1", "0", before.bytes())).getMessage();
        assertTrue(refusal.contains("token key 0") && refusal.contains("reseal"), refusal);
    }

    @Test
    void aValueMovedToAnotherRowOrOpenedWithAnotherKeyDoesNotOpen() {
        TokenCipher cipher = new TokenCipher(config(OLD, Map.of("k2", NEW), "k2"));
        TokenCipher.Sealed sealed = cipher.seal("acc-1", "token-1");
        assertThrows(IllegalStateException.class, () -> cipher.open("acc-2", "k2", sealed.bytes()));
        assertThrows(IllegalStateException.class, () -> cipher.open("acc-1", "0", sealed.bytes()));
    }

    @Test
    void wrongSettingsAreRefusedAtStartNamingTheSetting() {
        assertTrue(refusal(config(null, Map.of(), null)).contains("RELINK_TOKEN_KEYS_<ID>"));
        assertTrue(refusal(config(OLD, Map.of("k2", NEW), null)).contains("relink.token.active-key must say which"));
        assertTrue(refusal(config(OLD, Map.of(), "k9")).contains("there is no relink.token.keys.k9"));
        assertTrue(refusal(config(null, Map.of("k2", "not base64!"), null)).contains("relink.token.keys.k2 must be base64"));
        String shortKey = refusal(config(Base64.getEncoder().encodeToString(new byte[16]), Map.of(), null));
        assertTrue(shortKey.contains("relink.token.encryption-key must be 32 bytes"), shortKey);
    }

    private static String refusal(ReauthConfig.Token config) {
        return assertThrows(IllegalStateException.class, () -> new TokenCipher(config)).getMessage();
    }

    private static String key(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static ReauthConfig.Token config(String unnamed, Map<String, String> keys, String active) {
        return new ReauthConfig.Token() {
            public Optional<String> encryptionKey() {
                return Optional.ofNullable(unnamed);
            }

            public Map<String, String> keys() {
                return keys;
            }

            public Optional<String> activeKey() {
                return Optional.ofNullable(active);
            }
        };
    }
}
