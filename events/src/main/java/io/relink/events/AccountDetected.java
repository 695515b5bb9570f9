package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import static io.relink.events.Required.emailAddress;
import static io.relink.events.Required.field;
import static io.relink.events.Required.text;

/**
 * The scanner found an Exchange mailbox that must move to OAuth: a v2 password {@code eas}/{@code ews} account, or a v3
 * grant on a migrating connector ({@code ews}). Fields added in v1, absent (null) where they do not apply:
 * {@code grantStatus} (v3: {@code valid} or {@code invalid}) and {@code v2AccountId} (v3: the v2 account id of a grant
 * migrated from v2, so a campaign started on v2 ids follows the same people). Exactly one of {@code scanId} (the scan
 * that found it) and {@code webhookId} (v3: the Nylas webhook notification that brought it in between scans) is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountDetected(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        String email,
        String provider,
        String syncState,
        String billingState,
        UUID scanId,
        String grantStatus,
        String v2AccountId,
        String webhookId) implements RelinkEvent {

    public AccountDetected {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        // The notifier emails it: a display name, a list or CR/LF here would reach the SMTP envelope.
        emailAddress(email, "email");
        text(provider, "provider");
        if ((scanId == null) == (webhookId == null)) {
            throw new IllegalArgumentException("exactly one of the fields 'scanId' and 'webhookId' is required");
        }
    }

    /** A v2 account. */
    public static AccountDetected of(Instant now, String accountId, String email, String provider,
            String syncState, String billingState, UUID scanId) {
        return new AccountDetected(UUID.randomUUID(), now, accountId, email, provider, syncState, billingState, scanId, null, null, null);
    }

    /** A v3 grant (its id is {@code accountId}). */
    public static AccountDetected ofGrant(Instant now, String grantId, String email, String connector, String grantStatus,
            String v2AccountId, UUID scanId) {
        return new AccountDetected(UUID.randomUUID(), now, grantId, email, connector, null, null, scanId, grantStatus, v2AccountId, null);
    }

    /** A v3 grant brought in by a Nylas webhook about it ({@code webhookId}, the notification's id), between scans. */
    public static AccountDetected ofGrantByWebhook(Instant now, String grantId, String email, String connector, String grantStatus,
            String v2AccountId, String webhookId) {
        return new AccountDetected(UUID.randomUUID(), now, grantId, email, connector, null, null, null, grantStatus, v2AccountId, webhookId);
    }
}
