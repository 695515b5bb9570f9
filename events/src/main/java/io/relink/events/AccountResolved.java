package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import static io.relink.events.Required.field;
import static io.relink.events.Required.text;

/** A later scan found that a detected account no longer needs migrating. */
public record AccountResolved(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        Reason reason,
        UUID scanId) implements RelinkEvent {

    public enum Reason {
        /** The account now authenticates with OAuth. */
        NOW_OAUTH,
        /** Its billing state is cancelled. */
        CANCELLED,
        /** Its billing state is deleted. */
        DELETED,
        /** It is no longer listed by the accounts API. */
        GONE
    }

    public AccountResolved {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        field(reason, "reason");
        field(scanId, "scanId");
    }

    public static AccountResolved of(Instant now, String accountId, Reason reason, UUID scanId) {
        return new AccountResolved(UUID.randomUUID(), now, accountId, reason, scanId);
    }
}
