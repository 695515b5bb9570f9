package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import static io.relink.events.Required.field;
import static io.relink.events.Required.text;

/**
 * The notifier will not email the account's user, because the mailbox does not need migrating: its domain is served
 * by an on-premises Exchange ({@code ON_PREMISES}), which keeps EWS, so its grant stays where it is. Published once per
 * account when the classification holds it; if an operator later includes the domain, or the domain moves to
 * Exchange Online, the user is emailed and AccountNotified follows.
 */
public record AccountNotAffected(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        Reason reason,
        String domain) implements RelinkEvent {

    public enum Reason {
        /** No Microsoft tenant has the domain: its Exchange is self-hosted. */
        ON_PREMISES
    }

    public AccountNotAffected {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        field(reason, "reason");
        text(domain, "domain");
    }

    public static AccountNotAffected of(Instant now, String accountId, Reason reason, String domain) {
        return new AccountNotAffected(UUID.randomUUID(), now, accountId, reason, domain);
    }
}
