package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import static io.relink.events.Required.field;
import static io.relink.events.Required.text;

/**
 * The account's user re-authenticated with OAuth. Never carries a token or an OAuth code: the customer's
 * backend fetches the token from the reauth service's authenticated API (v2), or uses the new grant id with its API
 * key (v3). Fields added in v1, absent where unknown: {@code previousProvider} (the old account's or grant's
 * provider, {@code ews} for a v3 grant) and {@code v2AccountId} (the v2 account id the old grant was migrated from).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountMigrated(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        String newAccountId,
        String provider,
        boolean previousAccountCancelled,
        String previousProvider,
        String v2AccountId) implements RelinkEvent {

    public AccountMigrated {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        text(newAccountId, "newAccountId");
        text(provider, "provider");
    }

    public static AccountMigrated of(Instant now, String accountId, String newAccountId, String provider,
            boolean previousAccountCancelled) {
        return of(now, accountId, newAccountId, provider, previousAccountCancelled, null, null);
    }

    public static AccountMigrated of(Instant now, String accountId, String newAccountId, String provider,
            boolean previousAccountCancelled, String previousProvider, String v2AccountId) {
        return new AccountMigrated(UUID.randomUUID(), now, accountId, newAccountId, provider, previousAccountCancelled, previousProvider,
                v2AccountId);
    }
}
