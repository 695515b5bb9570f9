package io.relink.events;

import java.time.Instant;
import java.util.UUID;

/** What every event on a Relink topic carries. */
public sealed interface RelinkEvent permits AccountDetected, AccountResolved, AccountNotified, AccountBounced, AccountNotAffected,
        AccountMigrated {

    /** Unique per event; consumers record it to process each event once. */
    UUID eventId();

    Instant occurredAt();

    /** The Nylas account id the scanner detected: the record key and the CloudEvents subject. */
    String accountId();

    default EventType type() {
        return EventType.of(getClass());
    }
}
