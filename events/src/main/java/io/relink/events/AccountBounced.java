package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import static io.relink.events.Required.field;
import static io.relink.events.Required.positive;
import static io.relink.events.Required.text;

/**
 * The receiving mail server refused the email to the account's user for good (a 5xx reply): the notifier will not try
 * it again. {@code reply} is the server's reply, as operators need it to fix the address.
 */
public record AccountBounced(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        AccountNotified.Kind kind,
        int attempt,
        String reply) implements RelinkEvent {

    public AccountBounced {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        field(kind, "kind");
        positive(attempt, "attempt");
        text(reply, "reply");
    }

    public static AccountBounced of(Instant now, String accountId, AccountNotified.Kind kind, int attempt, String reply) {
        return new AccountBounced(UUID.randomUUID(), now, accountId, kind, attempt, reply);
    }
}
