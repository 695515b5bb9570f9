package io.relink.links;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.relink.links.LinkTokens.InvalidLinkException;
import io.relink.links.LinkTokens.InvalidLinkException.Reason;

class LinkTokensTest {
    private static final String K1 = "k1-secret-that-is-long-enough-0123456789";
    private static final String K2 = "k2-secret-that-is-long-enough-9876543210";
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    static LinkTokens tokens(Map<String, String> keys, String active, Instant now) {
        return new LinkTokens(new LinkConfig() {
            public Map<String, String> keys() {
                return keys;
            }

            public String activeKey() {
                return active;
            }

            public Duration lifetime() {
                return Duration.ofDays(14);
            }
        }, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aTokenCarriesTheAccountAndEmailAndDiffersEveryTime() {
        LinkTokens tokens = tokens(Map.of("k1", K1), "k1", NOW);
        String token = tokens.issue("acc-1", "Jane.Doe@contoso.example");
        LinkTokens.Claims claims = tokens.verify(token);
        assertEquals("acc-1", claims.accountId());
        assertEquals("Jane.Doe@contoso.example", claims.email());
        assertEquals(NOW.plus(Duration.ofDays(14)), claims.expiresAt());
        assertNotEquals(token, tokens.issue("acc-1", "Jane.Doe@contoso.example"), "random bits make every link unique");
        assertTrue(token.matches("[A-Za-z0-9._-]+"), "safe in a URL path: " + token);
    }

    @Test
    void tamperedExpiredMalformedAndUnknownKeyTokensAreRefusedWithTheirReason() {
        LinkTokens tokens = tokens(Map.of("k1", K1), "k1", NOW);
        String token = tokens.issue("acc-1", "jane@contoso.example");
        String[] parts = token.split("\\.");
        String otherPayload = tokens.issue("acc-2", "mallory@evil.example").split("\\.")[2];
        assertEquals(Reason.BAD_SIGNATURE, reason(tokens, parts[0] + "." + parts[1] + "." + otherPayload + "." + parts[3]));
        assertEquals(Reason.BAD_SIGNATURE, reason(tokens, token.substring(0, token.length() - 2) + "AA"));
        assertEquals(Reason.MALFORMED, reason(tokens, "not-a-token"));
        assertEquals(Reason.MALFORMED, reason(tokens, null));
        assertEquals(Reason.UNKNOWN_KEY, reason(tokens, "v1.k9." + parts[2] + "." + parts[3]));
        assertEquals(Reason.EXPIRED, reason(tokens(Map.of("k1", K1), "k1", NOW.plus(Duration.ofDays(15))), token));
    }

    @Test
    void keysRotateWithoutBreakingLinksAlreadySent() {
        String old = tokens(Map.of("k1", K1), "k1", NOW).issue("acc-1", "jane@contoso.example");
        LinkTokens rotated = tokens(Map.of("k1", K1, "k2", K2), "k2", NOW);
        assertEquals("acc-1", rotated.verify(old).accountId());
        assertEquals("k2", rotated.verify(rotated.issue("acc-3", "sam@contoso.example")).keyId());
    }

    @Test
    void missingOrWeakKeysStopTheServiceFromStarting() {
        assertThrows(IllegalStateException.class, () -> tokens(Map.of("k1", K1), "k2", NOW));
        assertThrows(IllegalStateException.class, () -> tokens(Map.of("k1", "short"), "k1", NOW));
    }

    private static Reason reason(LinkTokens tokens, String token) {
        return assertThrows(InvalidLinkException.class, () -> tokens.verify(token)).reason();
    }
}
