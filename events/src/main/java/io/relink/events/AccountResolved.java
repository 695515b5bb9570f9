package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import static io.relink.events.Required.field;
import static io.relink.events.Required.text;

/**
 * A later scan, or (v3) a Nylas webhook about the grant, found that a detected account no longer needs migrating.
 * Exactly one of {@code scanId} and {@code webhookId} says which (the latter added in v1 for v3; absent otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountResolved(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        Reason reason,
        UUID scanId,
        String webhookId) implements RelinkEvent {

    public enum Reason {
        /** The account now authenticates with OAuth. */
        NOW_OAUTH,
        /** Its billing state is cancelled. */
        CANCELLED,
        /** Its billing state is deleted. */
        DELETED,
        /** It is no longer listed by the accounts API, or (v3) its grant was deleted. */
        GONE
    }

    public AccountResolved {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        field(reason, "reason");
        if ((scanId == null) == (webhookId == null)) {
            throw new IllegalArgumentException("exactly one of the fields 'scanId' and 'webhookId' is required");
        }
    }

    public static AccountResolved of(Instant now, String accountId, Reason reason, UUID scanId) {
        return new AccountResolved(UUID.randomUUID(), now, accountId, reason, scanId, null);
    }

    /** Resolved on a Nylas webhook (v3): {@code webhookId} is the notification's id. */
    public static AccountResolved byWebhook(Instant now, String accountId, Reason reason, String webhookId) {
        return new AccountResolved(UUID.randomUUID(), now, accountId, reason, null, webhookId);
    }
}
