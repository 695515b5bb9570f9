package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import static io.relink.events.Required.field;
import static io.relink.events.Required.positive;
import static io.relink.events.Required.text;

/** The notifier emailed the account's user a re-authentication link. */
public record AccountNotified(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        Kind kind,
        int attempt,
        String messageId) implements RelinkEvent {

    public enum Kind {
        INITIAL,
        REMINDER
    }

    public AccountNotified {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        field(kind, "kind");
        positive(attempt, "attempt");
        text(messageId, "messageId");
    }

    public static AccountNotified of(Instant now, String accountId, Kind kind, int attempt, String messageId) {
        return new AccountNotified(UUID.randomUUID(), now, accountId, kind, attempt, messageId);
    }
}
