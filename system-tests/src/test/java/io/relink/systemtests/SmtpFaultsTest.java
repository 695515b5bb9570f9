package io.relink.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.relink.devstack.RelinkSystem;
import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.UnreliableSmtpServer;
import io.relink.devstack.UnreliableSmtpServer.Fault;

/**
 * The notifier against an SMTP server that misbehaves (devstack's {@link UnreliableSmtpServer}), for many users:
 * replies withheld on an open connection, replies slower than the command timeout, connections dropped mid-DATA,
 * 4xx and 5xx refusals; and a notifier SIGKILLed while its sends are in flight. Every user gets the initial email,
 * sending never stops, and a repeat happens only where the outcome of an exchange was unknown (the README's delivery
 * rule: at most one repeat per such exchange) or the send was in flight at the crash (at most parallel-sends).
 */
class SmtpFaultsTest {
    private static final int PARALLEL_SENDS = 8;

    private static RelinkSystem start(String name) throws Exception {
        return RelinkSystem.builder(Files.createTempDirectory("relink-" + name))
                .accounts(600)
                .adminKey("smtp-admin-key")
                .unreliableSmtp()
                .config(Service.NOTIFIER, "relink.notify.poll-interval", "0.2s")
                // Faults, not pacing, are under test here (CampaignControlTest covers the limits): sending runs unthrottled.
                .config(Service.NOTIFIER, "relink.notify.rate-per-minute", "0")
                .config(Service.NOTIFIER, "relink.notify.rate-per-domain-per-minute", "0")
                .config(Service.NOTIFIER, "relink.notify.parallel-sends", String.valueOf(PARALLEL_SENDS))
                .config(Service.NOTIFIER, "relink.notify.retry-backoff", "1s")
                .config(Service.NOTIFIER, "relink.notify.max-retry-backoff", "2s")
                .config(Service.NOTIFIER, "relink.notify.max-tries", "30")
                .config(Service.NOTIFIER, "relink.notify.sending-lease", "6s")
                .config(Service.NOTIFIER, "relink.notify.recovery-interval", "1s")
                .config(Service.NOTIFIER, "relink.notify.smtp.command-timeout", "2s")
                .config(Service.NOTIFIER, "relink.notify.smtp.exchange-deadline", "5s")
                .start();
    }

    @Test
    void everyUserGetsTheInitialEmailThroughWithheldSlowDroppedAndRefusedExchanges() throws Exception {
        try (RelinkSystem system = start("smtp-faults")) {
            RelinkProbe probe = new RelinkProbe(system);
            Set<String> affected = probe.affected();
            UnreliableSmtpServer smtp = system.unreliableSmtp().slowReply(Duration.ofSeconds(4)).faults(n -> switch (n % 10) {
                case 1 -> Fault.WITHHOLD_REPLY;
                case 3 -> Fault.SLOW_REPLY;
                case 5 -> Fault.DROP_MID_DATA;
                case 7 -> Fault.TRANSIENT_REJECT;
                default -> n == 20 || n == 40 ? Fault.PERMANENT_REJECT : Fault.NONE;
            });
            probe.awaitScanEnd(probe.startScan(), "COMPLETED", Duration.ofMinutes(2));

            // Two recipients refused for good (550): BOUNCED for operators, with the server's reply. Everyone else is emailed.
            await().atMost(Duration.ofMinutes(4)).until(() -> probe.reauthEmails().size() + bounced(system).size() == affected.size()
                    && probe.initialEmailsWithStatus("PENDING") + probe.initialEmailsWithStatus("SENDING") == 0);
            List<JsonNode> failed = bounced(system);
            assertEquals(2, failed.size(), failed.toString());
            failed.forEach(n -> assertTrue(n.get("lastError").asText().contains("550"), n.toString()));
            for (Fault fault : Fault.values()) {
                assertTrue(smtp.applied(fault) > 0, fault + " happened");
            }
            // The deadlines ended every stalled exchange, so the sender never looked stuck to Kubernetes.
            assertEquals(200, system.notifier().request("GET", "/q/health/live", null, null).statusCode());

            // A repeat only where an exchange's outcome was unknown, and at most one per such exchange.
            double unknown = RelinkProbe.metric(system.notifier(), "relink_notifier_emails_outcome_unknown_total");
            assertTrue(unknown >= smtp.applied(Fault.WITHHOLD_REPLY) + smtp.applied(Fault.SLOW_REPLY),
                    "each withheld or late reply is an unknown outcome: " + unknown);
            assertTrue(probe.repeats() <= unknown, probe.repeats() + " repeats for " + unknown + " unknown outcomes");
            Set<String> emailed = new HashSet<>();
            Map<String, String> idsByEmail = probe.accountIdsByEmail();
            probe.reauthEmails().keySet().forEach(to -> emailed.add(idsByEmail.get(to)));
            Set<String> expected = new HashSet<>(affected);
            failed.forEach(n -> expected.remove(n.get("accountId").asText()));
            assertEquals(expected, emailed);
            // The funnel agrees: every emailed account, once, is NOTIFIED.
            await().atMost(Duration.ofMinutes(1)).until(() -> probe.countWithStatus("NOTIFIED") == expected.size());

            // And after the faults: the operators' resend reaches the refused two.
            smtp.faults(n -> Fault.NONE);
            for (JsonNode n : failed) {
                system.notifier().call("POST", "/api/notifications/" + n.get("id").asText() + "/resend", system.adminKey());
            }
            probe.awaitEveryoneEmailed(affected, Duration.ofMinutes(1));
        }
    }

    @Test
    void aNotifierKilledMidBatchRepeatsAtMostTheSendsThatWereInFlight() throws Exception {
        try (RelinkSystem system = start("smtp-kill")) {
            RelinkProbe probe = new RelinkProbe(system);
            Set<String> affected = probe.affected();
            // Every reply takes a second (within the command timeout): a batch of 100 is mid-way for many seconds.
            system.unreliableSmtp().slowReply(Duration.ofSeconds(1)).faults(n -> Fault.SLOW_REPLY);
            probe.awaitScanEnd(probe.startScan(), "COMPLETED", Duration.ofMinutes(2));
            await().atMost(Duration.ofMinutes(1)).until(() -> system.mail().receivedMessages().size() >= 3 * PARALLEL_SENDS);

            system.notifier().kill();
            system.notifier().start();
            system.unreliableSmtp().faults(n -> Fault.NONE);
            probe.awaitEveryInitialEmailSent(affected);
            probe.assertOneEmailEach(affected, PARALLEL_SENDS);
        }
    }

    /**
     * The bounce rule: a recipient the receiving server refuses for good is BOUNCED with the server's reply
     * after one exchange, never tried again, and counted by its domain (notifier) and in the funnel (scanner).
     */
    @Test
    void aRecipientTheServerRefusesIsBouncedOnceNeverRetriedAndCountedByDomainAndFunnel() throws Exception {
        try (RelinkSystem system = start("smtp-bounce")) {
            RelinkProbe probe = new RelinkProbe(system);
            Set<String> affected = probe.affected();
            // Paused while the scan registers everyone, so the refused addresses can be chosen among them before any send.
            system.notifier().call("POST", "/api/campaign/pause", system.adminKey(), "{}");
            probe.awaitScanEnd(probe.startScan(), "COMPLETED", Duration.ofMinutes(2));
            List<String> refused = probe.accountIdsByEmail().entrySet().stream().filter(e -> affected.contains(e.getValue()))
                    .map(Map.Entry::getKey).sorted().limit(3).toList();
            UnreliableSmtpServer smtp = system.unreliableSmtp().refuseRecipients(refused::contains);
            system.notifier().call("POST", "/api/campaign/resume", system.adminKey(), "{}");

            await().atMost(Duration.ofMinutes(4)).until(() -> bounced(system).size() == 3
                    && probe.reauthEmails().size() == affected.size() - 3);
            for (JsonNode n : bounced(system)) {
                assertTrue(n.get("lastError").asText().startsWith("550 5.1.1 <"), n.toString());
                assertEquals(1, n.get("tries").asInt(), "one exchange, no retry: " + n);
            }
            // Never retried: a while later each refused address was still asked for exactly once.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20)).until(() -> refused.stream().allMatch(a -> smtp.refusals(a) == 1));
            assertEquals(3.0, RelinkProbe.metric(system.notifier(), "relink_notifier_emails_bounced_total"));

            Map<String, Long> byDomain = new java.util.HashMap<>();
            refused.forEach(a -> byDomain.merge(a.substring(a.indexOf('@') + 1), 1L, Long::sum));
            JsonNode domains = RelinkProbe.json(system.notifier().call("GET", "/api/domains", system.adminKey()));
            for (JsonNode d : domains) {
                assertEquals(byDomain.getOrDefault(d.get("domain").asText(), 0L).longValue(), d.at("/counts/bounced").asLong(), d.toString());
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> RelinkProbe.json(system.scanner().call("GET", "/api/summary", system.adminKey()))
                    .at("/funnel/bounced").asLong() == 3);
        }
    }

    private static List<JsonNode> bounced(RelinkSystem system) {
        List<JsonNode> bounced = new java.util.ArrayList<>();
        RelinkProbe.json(system.notifier().call("GET", "/api/notifications?status=BOUNCED", system.adminKey())).forEach(bounced::add);
        return bounced;
    }
}
