package io.relink.reauth.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * {@code relink.reauth.old-grant}: what becomes of a v3 grant after its mailbox moved to a grant on another connector.
 * {@code keep}, or {@code delete-after:<duration>} (a Quarkus duration: {@code 7d}, {@code 12h}, {@code PT30M}).
 */
record OldGrantPolicy(Optional<Duration> deleteAfter) {
    private static final String DELETE_AFTER = "delete-after:";

    static OldGrantPolicy parse(String value) {
        String v = value == null ? "" : value.trim();
        if (v.equals("keep")) {
            return new OldGrantPolicy(Optional.empty());
        }
        if (v.startsWith(DELETE_AFTER)) {
            try {
                Duration grace = DurationConverter.parseDuration(v.substring(DELETE_AFTER.length()).trim());
                if (grace != null && !grace.isNegative()) {
                    return new OldGrantPolicy(Optional.of(grace));
                }
            } catch (IllegalArgumentException e) {
                // Said below, with the value.
            }
        }
        throw new IllegalStateException("relink.reauth.old-grant must be keep or delete-after:<duration> (delete-after:7d), was '" + value + "'");
    }

    /** When a grant retired at {@code migratedAt} is due for deletion; null when it is kept. */
    Instant deleteAt(Instant migratedAt) {
        return deleteAfter.map(migratedAt::plus).orElse(null);
    }

    @Override
    public String toString() {
        return deleteAfter.map(d -> "deleted " + d + " after the migration").orElse("kept");
    }
}
