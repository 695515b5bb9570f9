package io.relink.links;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.relink.links.LinkTokens.InvalidLinkException;
import io.relink.links.LinkTokens.InvalidLinkException.Reason;
import io.relink.links.LinkTokens.Purpose;

@Tag("unit")
class LinkTokensTest {
    private static final String K1 = "k1-secret-that-is-long-enough-0123456789";
    private static final String K2 = "k2-secret-that-is-long-enough-9876543210";
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    static LinkTokens tokens(Map<String, String> keys, String active, Instant now) {
        return tokens(keys, active, now, Duration.ofDays(14));
    }

    static LinkTokens tokens(Map<String, String> keys, String active, Instant now, Duration lifetime) {
        return new LinkTokens(new LinkConfig() {
            public Map<String, String> keys() {
                return keys;
            }

            public String activeKey() {
                return active;
            }

            public Duration lifetime() {
                return lifetime;
            }
        }, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aTokenCarriesTheTraceOfItsEmailAndOneWithoutItStaysValid() {
        LinkTokens tokens = tokens(Map.of("k1", K1), "k1", NOW);
        String traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        assertEquals(traceParent, tokens.verify(tokens.issue(Purpose.REAUTH, "acc-1", "a@contoso.example", traceParent), Purpose.REAUTH)
                .traceParent());
        assertEquals(null, tokens.verify(tokens.issue(Purpose.REAUTH, "acc-1", "a@contoso.example"), Purpose.REAUTH).traceParent());
        assertEquals(null, tokens.verify(tokens.issue(Purpose.REAUTH, "acc-1", "a@contoso.example", "not a traceparent"), Purpose.REAUTH)
                .traceParent(), "a malformed trace is left out, never signed into a link");
    }

    @Test
    void aTokenCarriesTheAccountAndEmailAndDiffersEveryTime() {
        LinkTokens tokens = tokens(Map.of("k1", K1), "k1", NOW);
        String token = tokens.issue(Purpose.REAUTH, "acc-1", "Jane.Doe@contoso.example");
        LinkTokens.Claims claims = tokens.verify(token, Purpose.REAUTH);
        assertEquals("acc-1", claims.accountId());
        assertEquals("Jane.Doe@contoso.example", claims.email());
        assertEquals(NOW.plus(Duration.ofDays(14)), claims.expiresAt());
        assertNotEquals(token, tokens.issue(Purpose.REAUTH, "acc-1", "Jane.Doe@contoso.example"), "random bits make every link unique");
        assertTrue(token.matches("[A-Za-z0-9._-]+"), "safe in a URL path: " + token);
    }

    @Test
    void tamperedExpiredMalformedAndUnknownKeyTokensAreRefusedWithTheirReason() {
        LinkTokens tokens = tokens(Map.of("k1", K1), "k1", NOW);
        String token = tokens.issue(Purpose.REAUTH, "acc-1", "jane@contoso.example");
        String[] parts = token.split("\\.");
        String otherPayload = tokens.issue(Purpose.REAUTH, "acc-2", "mallory@evil.example").split("\\.")[2];
        assertEquals(Reason.BAD_SIGNATURE, reason(tokens, parts[0] + "." + parts[1] + "." + otherPayload + "." + parts[3]));
        assertEquals(Reason.BAD_SIGNATURE, reason(tokens, token.substring(0, token.length() - 2) + "AA"));
        assertEquals(Reason.MALFORMED, reason(tokens, "not-a-token"));
        assertEquals(Reason.MALFORMED, reason(tokens, null));
        assertEquals(Reason.UNKNOWN_KEY, reason(tokens, "v1.k9." + parts[2] + "." + parts[3]));
        assertEquals(Reason.EXPIRED, reason(tokens(Map.of("k1", K1), "k1", NOW.plus(Duration.ofDays(15))), token));
    }

    @Test
    void trailingDotsAndExtraSegmentsDoNotVerify() {
        LinkTokens tokens = tokens(Map.of("k1", K1), "k1", NOW);
        String token = tokens.issue(Purpose.REAUTH, "acc-1", "jane@contoso.example");
        for (String altered : new String[] { token + ".", token + "..", token + ".x", "." + token, token.replaceFirst("\\.", "..") }) {
            assertEquals(Reason.MALFORMED, reason(tokens, altered), altered);
        }
    }

    @Test
    void aTokenSignedWithTheSameKeyForAnotherPurposeDoesNotVerify() throws Exception {
        LinkTokens tokens = tokens(Map.of("k1", K1), "k1", NOW);
        // What another user of the same keys would sign: the same layout, another purpose.
        byte[] use = "UNSUBSCRIBE".getBytes(StandardCharsets.UTF_8);
        byte[] account = "acc-1".getBytes(StandardCharsets.UTF_8);
        byte[] mail = "jane@contoso.example".getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(16 + 8 + 4 + use.length + 4 + account.length + 4 + mail.length);
        payload.put(new byte[16]).putLong(NOW.plusSeconds(3600).getEpochSecond()).putInt(use.length).put(use)
                .putInt(account.length).put(account).putInt(mail.length).put(mail);
        String signed = "v1.k1." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.array());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(K1.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String token = signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Reason.WRONG_PURPOSE, reason(tokens, token));
    }

    @Test
    void keysRotateWithoutBreakingLinksAlreadySent() {
        String old = tokens(Map.of("k1", K1), "k1", NOW).issue(Purpose.REAUTH, "acc-1", "jane@contoso.example");
        LinkTokens rotated = tokens(Map.of("k1", K1, "k2", K2), "k2", NOW);
        assertEquals("acc-1", rotated.verify(old, Purpose.REAUTH).accountId());
        assertEquals("k2", rotated.verify(rotated.issue(Purpose.REAUTH, "acc-3", "sam@contoso.example"), Purpose.REAUTH).keyId());
    }

    @Test
    void missingOrWeakKeysStopTheServiceFromStarting() {
        assertThrows(IllegalStateException.class, () -> tokens(Map.of("k1", K1), "k2", NOW));
        assertThrows(IllegalStateException.class, () -> tokens(Map.of("k1", "short"), "k1", NOW));
    }

    private static Reason reason(LinkTokens tokens, String token) {
        return assertThrows(InvalidLinkException.class, () -> tokens.verify(token, Purpose.REAUTH)).reason();
    }
}
