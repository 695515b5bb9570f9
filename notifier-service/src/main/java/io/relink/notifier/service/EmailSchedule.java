package io.relink.notifier.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

import io.relink.notifier.config.NotifyConfig;

/**
 * When an email is due: the retry of a failed send (exponential backoff, capped), when to give up, and the next
 * reminder (a limited number, none after the deadline unless configured). Plain Java, so each rule is tested
 * without a database or a clock.
 */
record EmailSchedule(Duration retryBackoff, Duration maxRetryBackoff, int maxTries, Duration reminderInterval, int maxReminders,
        Optional<LocalDate> deadline, boolean remindAfterDeadline) {

    static EmailSchedule of(NotifyConfig config) {
        return new EmailSchedule(config.retryBackoff(), config.maxRetryBackoff(), config.maxTries(), config.reminderInterval(),
                config.maxReminders(), config.deadline(), config.remindAfterDeadline());
    }

    /** When an email that failed on its {@code tries}-th try is tried again: the backoff doubles each try, up to the cap. */
    Instant retryAt(int tries, Instant now) {
        long backoff = Math.min(maxRetryBackoff.toMillis(), retryBackoff.toMillis() << Math.min(Math.max(tries - 1, 0), 20));
        return now.plusMillis(backoff);
    }

    /** Whether an email that failed on its {@code tries}-th try is given up (FAILED, for operators). */
    boolean givesUp(int tries) {
        return tries >= maxTries;
    }

    /**
     * The reminder after email number {@code attempt} (1 is the initial one) went out at {@code sentAt}, if one is
     * due: within the number of reminders, and on or before the deadline's day unless reminding after it.
     */
    Optional<Instant> nextReminder(int attempt, Instant sentAt) {
        Instant next = sentAt.plus(reminderInterval);
        int remindersSoFar = attempt - 1;
        if (remindersSoFar >= maxReminders || !beforeDeadline(next)) {
            return Optional.empty();
        }
        return Optional.of(next);
    }

    private boolean beforeDeadline(Instant when) {
        return remindAfterDeadline || deadline.map(d -> when.isBefore(d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC))).orElse(true);
    }
}
