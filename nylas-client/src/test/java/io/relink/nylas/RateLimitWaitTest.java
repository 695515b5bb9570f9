package io.relink.nylas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How long a rate-limited caller waits, from the headers Nylas sends with a 429. */
@Tag("unit")
class RateLimitWaitTest {
    @Test
    void retryAfterWinsOverTheResetHeader() {
        assertEquals(Duration.ofSeconds(3), NylasClient.rateLimitWait("3", "20"));
        assertEquals(Duration.ofMillis(1500), NylasClient.rateLimitWait(null, "1.5"));
    }

    @Test
    void aMissingNegativeOrUnreadableHeaderMeansOneSecond() {
        assertEquals(Duration.ofSeconds(1), NylasClient.rateLimitWait(null, null));
        assertEquals(Duration.ofSeconds(1), NylasClient.rateLimitWait("-4", null));
        assertEquals(Duration.ofSeconds(1), NylasClient.rateLimitWait("Wed, 21 Oct 2026 07:28:00 GMT", null));
    }

    @Test
    void noWaitIsLongerThanFiveMinutes() {
        assertEquals(Duration.ofMinutes(5), NylasClient.rateLimitWait("86400", null));
    }
}
