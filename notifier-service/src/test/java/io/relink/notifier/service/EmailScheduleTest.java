package io.relink.notifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Retries, giving up, reminders and the deadline, as the defaults of {@code relink.notify.*} set them. */
@Tag("unit")
class EmailScheduleTest {
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    private static EmailSchedule schedule(Optional<LocalDate> deadline, boolean remindAfterDeadline) {
        return new EmailSchedule(Duration.ofSeconds(30), Duration.ofHours(1), 8, Duration.ofDays(3), 3, deadline, remindAfterDeadline);
    }

    @Test
    void aFailedSendWaitsTwiceAsLongEachTryUpToTheCap() {
        EmailSchedule schedule = schedule(Optional.empty(), false);
        assertEquals(NOW.plusSeconds(30), schedule.retryAt(1, NOW));
        assertEquals(NOW.plusSeconds(60), schedule.retryAt(2, NOW));
        assertEquals(NOW.plusSeconds(240), schedule.retryAt(4, NOW));
        assertEquals(NOW.plus(Duration.ofHours(1)), schedule.retryAt(8, NOW), "30 s << 7 is over an hour: capped");
        assertEquals(NOW.plus(Duration.ofHours(1)), schedule.retryAt(200, NOW), "no overflow however many tries");
    }

    @Test
    void anEmailIsGivenUpWhenPermanentOrTriedTooOften() {
        EmailSchedule schedule = schedule(Optional.empty(), false);
        assertFalse(schedule.givesUp(7));
        assertTrue(schedule.givesUp(8));
    }

    @Test
    void threeRemindersFollowTheInitialEmailEveryThreeDays() {
        EmailSchedule schedule = schedule(Optional.empty(), false);
        assertEquals(Optional.of(NOW.plus(Duration.ofDays(3))), schedule.nextReminder(1, NOW));
        assertEquals(Optional.of(NOW.plus(Duration.ofDays(3))), schedule.nextReminder(3, NOW));
        assertEquals(Optional.empty(), schedule.nextReminder(4, NOW), "the third reminder was the last");
    }

    @Test
    void noReminderFallsAfterTheDeadlineDayUnlessConfigured() {
        EmailSchedule byDeadline = schedule(Optional.of(LocalDate.parse("2026-12-02")), false);
        assertTrue(byDeadline.nextReminder(1, NOW).isPresent(), "the 2nd of December is the deadline's own day");
        assertEquals(Optional.empty(), byDeadline.nextReminder(1, NOW.plus(Duration.ofDays(1))), "the 3rd of December is after it");
        EmailSchedule after = schedule(Optional.of(LocalDate.parse("2026-12-02")), true);
        assertTrue(after.nextReminder(1, NOW.plus(Duration.ofDays(1))).isPresent());
    }
}
