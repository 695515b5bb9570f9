package io.relink.console.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.relink.console.client.NotifierApi.Notification;

class ProblemsTest {
    @Test
    void bouncesOfOneCauseAreOneGroupWhateverAddressTheServerNamed() {
        List<Problems.Group> groups = Problems.byReason(List.of(
                bounce("550 5.1.1 <ana@contoso.example>: no such mailbox"),
                bounce("550 5.1.1 <bo.li@contoso.example>: no such mailbox"),
                bounce("550 5.1.1 <carl@fabrikam.example>: no such mailbox"),
                bounce("550 Requested action not taken: mailbox dan@fabrikam.example unavailable."),
                bounce("552 5.2.2 Mailbox full"),
                bounce(null)), true);
        assertEquals(List.of("550 5.1.1 <address>: no such mailbox", "550 Requested action not taken: mailbox <address> unavailable.",
                "552 5.2.2 Mailbox full", "(no reason given)"), groups.stream().map(Problems.Group::reason).toList());
        assertEquals(List.of(3L, 1L, 1L, 1L), groups.stream().map(Problems.Group::count).toList());
    }

    private static Notification bounce(String error) {
        return new Notification(UUID.randomUUID(), "grant-" + UUID.randomUUID(), "someone@contoso.example", "INITIAL", 0, "BOUNCED", Instant.EPOCH, 1, 0, error, null, null,
                Instant.EPOCH, null);
    }
}
