package io.relink.events;

import java.time.Instant;
import java.util.UUID;

import static io.relink.events.Required.emailAddress;
import static io.relink.events.Required.field;
import static io.relink.events.Required.text;

/** The scanner found a password-authenticated Exchange account that must move to OAuth. */
public record AccountDetected(
        UUID eventId,
        Instant occurredAt,
        String accountId,
        String email,
        String provider,
        String syncState,
        String billingState,
        UUID scanId) implements RelinkEvent {

    public AccountDetected {
        field(eventId, "eventId");
        field(occurredAt, "occurredAt");
        text(accountId, "accountId");
        // The notifier emails it: a display name, a list or CR/LF here would reach the SMTP envelope.
        emailAddress(email, "email");
        text(provider, "provider");
        field(scanId, "scanId");
    }

    public static AccountDetected of(Instant now, String accountId, String email, String provider,
            String syncState, String billingState, UUID scanId) {
        return new AccountDetected(UUID.randomUUID(), now, accountId, email, provider, syncState, billingState, scanId);
    }
}
