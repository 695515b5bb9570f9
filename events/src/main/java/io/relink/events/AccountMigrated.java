package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import static io.relink.events.Required.field;
import static io.relink.events.Required.text;

/**
 * The account's user re-authenticated with OAuth. Never carries a token or an OAuth code: the customer's
 * backend fetches the token from the reauth service's authenticated API.
 */
public record AccountMigrated(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        String newAccountId,
        String provider,
        boolean previousAccountCancelled) implements RelinkEvent {

    public AccountMigrated {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        text(newAccountId, "newAccountId");
        text(provider, "provider");
    }

    public static AccountMigrated of(Instant now, String accountId, String newAccountId, String provider,
            boolean previousAccountCancelled) {
        return new AccountMigrated(UUID.randomUUID(), now, accountId, newAccountId, provider, previousAccountCancelled);
    }
}
