package io.relink.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.relink.devstack.RelinkSystem;
import io.relink.devstack.ServiceProcess;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountDetected;
import io.relink.events.AccountMigrated;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.EventType;
import io.relink.events.RelinkEvent;
import io.relink.events.Topics;
import jakarta.mail.internet.MimeMessage;

/**
 * The whole journey, as users meet it, for many accounts at once: a scan finds the password accounts, each end user
 * gets one email, follows its link in a browser, signs in on the (sandbox) Microsoft page and comes back; reauth
 * publishes {@code AccountMigrated} and the funnel says MIGRATED. Every part is a separate process.
 *
 * <p>Before it, on the same system: bad input at every public endpoint, and poison records on every consumed topic.
 * The journey afterwards is the proof that neither stored, published or stopped anything. Reauth in hosted mode;
 * {@link NativeEndToEndTest} runs the same in native mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
    /** A domain of the sandbox whose mailboxes the run puts on-premises. */
    private static final String ON_PREMISES_DOMAIN = "wingtip.example";

    private RelinkSystem system;
    private RelinkProbe probe;

    /** The reauth mode of the journey: hosted, the default. */
    RelinkSystem.Builder mode(RelinkSystem.Builder builder) {
        return builder;
    }

    @BeforeAll
    void start() throws Exception {
        RelinkSystem.Builder builder = mode(RelinkSystem.builder(Files.createTempDirectory("relink-e2e")))
                .accounts(600)
                .adminKey("e2e-admin-key")
                .config(RelinkSystem.Service.NOTIFIER, "relink.notify.poll-interval", "0.2s");
        // Tracing on, keeping no trace (ratio 0, so nothing is exported): the context still travels between services.
        for (RelinkSystem.Service service : RelinkSystem.Service.values()) {
            builder.config(service, "quarkus.otel.sdk.disabled", "false").config(service, "quarkus.otel.traces.sampler.arg", "0");
        }
        system = builder.start();
        probe = new RelinkProbe(system);
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void badInputAtEveryPublicEndpointGetsA4xxAndStoresOrPublishesNothing() throws Exception {
        Map<TopicPartition, Long> offsetsBefore = probe.endOffsets();
        String key = system.adminKey();
        String injection = URLEncoder.encode("x' OR '1'='1'; DROP TABLE registered_account; --<script>alert(1)</script>", StandardCharsets.UTF_8);
        String oversized = "{\"pad\": \"" + "x".repeat(200_000) + "\"}";
        String longToken = "v1.k." + "A".repeat(6_000) + ".sig";
        List<BadRequest> sweep = List.of(
                // scanner: scans, registry, funnel
                new BadRequest(system.scanner(), "POST", "/api/scans", null, null),
                new BadRequest(system.scanner(), "POST", "/api/scans", "wrong-key", null),
                new BadRequest(system.scanner(), "POST", "/api/scans", key, oversized),
                new BadRequest(system.scanner(), "GET", "/api/scans/not-a-scan-id", key, null),
                new BadRequest(system.scanner(), "GET", "/api/scans/" + injection, key, null),
                new BadRequest(system.scanner(), "GET", "/api/accounts?status=" + injection, key, null),
                new BadRequest(system.scanner(), "GET", "/api/accounts?status=MIGRATED&page=-1", key, null),
                new BadRequest(system.scanner(), "GET", "/api/accounts?size=1000000", key, null),
                new BadRequest(system.scanner(), "GET", "/api/accounts?page=99999999999999999999", key, null),
                new BadRequest(system.scanner(), "GET", "/api/accounts?size=ten", key, null),
                new BadRequest(system.scanner(), "GET", "/api/summary", null, null),
                new BadRequest(system.scanner(), "GET", "/api/no-such-thing", null, null),
                // notifier: the operators' view of emails
                new BadRequest(system.notifier(), "GET", "/api/notifications", key, null),
                new BadRequest(system.notifier(), "GET", "/api/notifications?status=" + injection, key, null),
                new BadRequest(system.notifier(), "GET", "/api/notifications?accountId=" + injection, key, null),
                new BadRequest(system.notifier(), "GET", "/api/notifications?accountId=" + "a".repeat(65), key, null),
                new BadRequest(system.notifier(), "POST", "/api/notifications/not-a-uuid/resend", key, null),
                new BadRequest(system.notifier(), "POST", "/api/notifications/" + UUID.randomUUID() + "/resend", key, null),
                new BadRequest(system.notifier(), "POST", "/api/notifications/" + UUID.randomUUID() + "/resend", key, oversized),
                new BadRequest(system.notifier(), "GET", "/api/notifications?status=FAILED", "", null),
                // reauth: the public pages behind the emailed link, and the customers' token API
                new BadRequest(system.reauth(), "GET", "/reauth/not-a-link", null, null),
                new BadRequest(system.reauth(), "GET", "/reauth/" + injection, null, null),
                new BadRequest(system.reauth(), "POST", "/reauth/" + injection, null, null),
                new BadRequest(system.reauth(), "POST", "/reauth/" + longToken, null, null),
                new BadRequest(system.reauth(), "POST", "/reauth/v1.k.payload.sig", null, oversized),
                new BadRequest(system.reauth(), "GET", "/reauth/callback", null, null),
                new BadRequest(system.reauth(), "GET", "/reauth/callback?code=" + injection + "&state=" + injection, null, null),
                new BadRequest(system.reauth(), "GET", "/reauth/callback?error=" + injection + "&state=x", null, null),
                new BadRequest(system.reauth(), "GET", "/api/migrations/" + injection + "/token", key, null),
                new BadRequest(system.reauth(), "GET", "/api/migrations/unknownaccount/token", key, null),
                new BadRequest(system.reauth(), "GET", "/api/migrations", null, null));
        for (BadRequest bad : sweep) {
            String what = bad.method() + " " + bad.service().module() + bad.path().substring(0, Math.min(80, bad.path().length()));
            HttpResponse<String> response;
            try {
                response = bad.service().request(bad.method(), bad.path(), bad.adminKey(), bad.body());
            } catch (IllegalStateException closed) {
                // Quarkus answers 413 and closes the connection, and the close can overtake the answer (RFC 9110
                // allows it). Refused either way; the checks below show nothing was accepted.
                assertTrue(bad.tooLarge() && closed.getCause() instanceof java.io.IOException, what + ": " + closed);
                continue;
            }
            assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, what + " answered " + response.statusCode() + ": " + response.body());
            assertFalse(response.body().contains("<script>"), what + " reflects the script unescaped");
            if (bad.path().startsWith("/reauth") && response.statusCode() == 400) {
                assertTrue(response.body().contains("<h1>"), what + " gets a readable page: " + response.body());
            }
        }
        assertTrue(system.scanner().call("GET", "/api/scans", key).equals("[]"), "no scan was started");
        assertEquals(0, probe.countWithStatus("DETECTED") + probe.countWithStatus("NOTIFIED") + probe.countWithStatus("MIGRATED"));
        assertEquals("[]", system.reauth().call("GET", "/api/migrations", key));
        assertEquals(offsetsBefore, probe.endOffsets(), "nothing was published");
        assertEquals(0, system.mail().receivedMessages().size(), "nothing was emailed");
    }

    @Test
    @Order(2)
    void poisonRecordsOnEveryConsumedTopicLandOnItsDeadLetterTopicWithTheReason() throws Exception {
        // Topic -> how many services consume it: each one dead-letters the record once.
        Map<String, Integer> consumers = Map.of(Topics.ACCOUNTS, 1, Topics.NOTIFICATIONS, 1, Topics.MIGRATIONS, 2);
        try (TopicClient topics = new TopicClient(system.kafka().bootstrapServers())) {
            for (String topic : consumers.keySet()) {
                for (ProducerRecord<String, byte[]> poison : poison(topic)) {
                    topics.send(poison);
                }
            }
            for (var entry : consumers.entrySet()) {
                String dlq = Topics.deadLetter(entry.getKey());
                int expected = POISON_KINDS * entry.getValue();
                List<ConsumerRecord<String, byte[]>> dead = topics.readFromBeginning(dlq, expected, Duration.ofSeconds(60));
                assertEquals(expected, dead.size(), dlq);
                for (ConsumerRecord<String, byte[]> r : dead) {
                    assertNotNull(r.headers().lastHeader("dead-letter-reason"), dlq + " records say why");
                    assertTrue(r.key() == null || r.key().startsWith("poison-"), "the original record, key and all: " + r.key());
                }
            }
        }
        assertEquals(0, system.mail().receivedMessages().size(), "a poison record sends no email");
        assertEquals(0, probe.countWithStatus("MIGRATED"), "and migrates nothing");
    }

    private static final int POISON_KINDS = 5;

    /** Garbage, a record without headers, an unknown type, a valid type without its fields, and an event that belongs elsewhere. */
    private static List<ProducerRecord<String, byte[]>> poison(String topic) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        String type = switch (topic) {
            case Topics.ACCOUNTS -> EventType.ACCOUNT_DETECTED.ceType();
            case Topics.NOTIFICATIONS -> EventType.ACCOUNT_NOTIFIED.ceType();
            default -> EventType.ACCOUNT_MIGRATED.ceType();
        };
        records.add(withHeaders(new ProducerRecord<>(topic, "poison-garbage", new byte[] { (byte) 0xff, 0x00, 0x42 }), type));
        records.add(new ProducerRecord<>(topic, "poison-headerless", "{\"accountId\": \"poison-headerless\"}".getBytes(StandardCharsets.UTF_8)));
        records.add(withHeaders(new ProducerRecord<>(topic, "poison-unknown-type", "{}".getBytes(StandardCharsets.UTF_8)), "io.relink.account.exploded.v9"));
        records.add(withHeaders(new ProducerRecord<>(topic, "poison-fieldless", "{\"accountId\": \"poison-fieldless\"}".getBytes(StandardCharsets.UTF_8)), type));
        RelinkEvent misplaced = topic.equals(Topics.MIGRATIONS)
                ? AccountDetected.of(Instant.now(), "poison-misplaced", "x@contoso.example", "eas", "running", "paid", UUID.randomUUID())
                : AccountMigrated.of(Instant.now(), "poison-misplaced", "poison-misplaced", "eas", false);
        ProducerRecord<String, byte[]> wrongTopic = new ProducerRecord<>(topic, "poison-misplaced", EventCodec.write(misplaced));
        CloudEventHeaders.write(wrongTopic.headers(), misplaced, "/system-tests");
        records.add(wrongTopic);
        return records;
    }

    private static ProducerRecord<String, byte[]> withHeaders(ProducerRecord<String, byte[]> record, String ceType) {
        CloudEventHeaders.write(record.headers(), UUID.randomUUID(), ceType, Instant.now(), record.key(), "/system-tests");
        return record;
    }

    private record BadRequest(ServiceProcess service, String method, String path, String adminKey, String body) {
        boolean tooLarge() {
            return body != null && body.length() > 64 * 1024 || path.length() > 4096;
        }
    }

    @Test
    @Order(3)
    void everyAffectedUserIsEmailedReconnectsInTheBrowserAndEndsMigrated() throws Exception {
        // One domain's mailboxes are on an Exchange server of the customer's own: Microsoft knows no tenant for it.
        probe.onPremises(Set.of(ON_PREMISES_DOMAIN));
        Set<String> detected = probe.affected();
        String scan = probe.startScan();
        assertEquals(detected.size(), probe.awaitScanEnd(scan, "COMPLETED", Duration.ofMinutes(2)).get("affected").asInt());
        assertEquals(detected, probe.openAccounts());
        Set<String> onPremises = probe.accountsIn(Set.of(ON_PREMISES_DOMAIN));
        assertFalse(onPremises.isEmpty(), "some mailboxes are on-premises");
        Set<String> affected = new HashSet<>(detected);
        affected.removeAll(onPremises);
        assertTrue(affected.size() >= 50, "enough accounts to run side by side: " + affected.size());

        probe.awaitEveryoneEmailed(affected, Duration.ofMinutes(3));
        Map<String, List<MimeMessage>> emails = probe.reauthEmails();
        Map<String, String> idsByEmail = probe.accountIdsByEmail();
        emails.forEach((to, messages) -> assertEquals(1, messages.size(), to + " got one email, not " + messages.size()));
        Set<String> emailed = new HashSet<>();
        emails.keySet().forEach(to -> emailed.add(idsByEmail.get(to)));
        assertEquals(affected, emailed, "exactly the affected accounts' users were emailed, none on-premises");
        // Each on-premises user is held for operators with the reason, never emailed.
        Set<String> held = new HashSet<>();
        for (JsonNode n : RelinkProbe.json(system.notifier().call("GET", "/api/notifications?status=HELD", system.adminKey()))) {
            if ("ON_PREMISES".equals(n.path("heldReason").asText())) {
                held.add(n.get("accountId").asText());
            }
        }
        assertEquals(onPremises, held, "every on-premises mailbox is listed as such");
        // ...and the registry lists them for operators as NOT_AFFECTED, with the reason (AccountNotAffected).
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.accountsWithStatus("NOT_AFFECTED").equals(onPremises));
        for (JsonNode a : RelinkProbe.json(system.scanner().call("GET", "/api/accounts?status=NOT_AFFECTED&size=500", system.adminKey())).get("items")) {
            assertEquals("ON_PREMISES", a.path("notAffectedReason").asText(), a.toString());
        }

        // Eight users at a time, each with a browser of their own.
        ExecutorService users = Executors.newFixedThreadPool(8);
        List<Future<Browser.Page>> done = new ArrayList<>();
        for (List<MimeMessage> messages : emails.values()) {
            String link = RelinkProbe.linkIn(messages.get(0));
            done.add(users.submit(() -> RelinkProbe.reconnect(link)));
        }
        for (Future<Browser.Page> page : done) {
            Browser.Page last = page.get();
            assertEquals(200, last.status(), last.html());
            assertTrue(last.says("Your mailbox is reconnected"), last.html());
            assertEquals("/reauth/done", last.uri().getPath());
        }
        users.shutdown();
        probe.assertSignInsFollowedTheMode(affected.size());

        try (TopicClient topics = new TopicClient(system.kafka().bootstrapServers())) {
            List<ConsumerRecord<String, byte[]>> records = topics.readFromBeginning(Topics.MIGRATIONS, affected.size() + POISON_KINDS, Duration.ofSeconds(60));
            Set<String> migrated = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.key() != null && r.key().startsWith("poison-")) {
                    continue; // the earlier test's records, which went to the DLQ
                }
                AccountMigrated event = EventCodec.read(AccountMigrated.class, r.value());
                assertEquals(r.key(), event.accountId());
                assertTrue(migrated.add(event.accountId()), "one AccountMigrated per account: " + event.accountId());
            }
            assertEquals(affected, migrated);
        }
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> probe.countWithStatus("MIGRATED") == affected.size());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the scanner did not record every migration; " + probe.diagnostics(), e);
        }
        assertEquals(affected, probe.accountsWithStatus("MIGRATED"));

        // Each user is told it worked, once; and the old link now says there is nothing left to do.
        await().atMost(Duration.ofMinutes(1)).until(() -> probe.confirmations() == affected.size());
        Browser.Page again = new Browser().open(RelinkProbe.linkIn(emails.values().iterator().next().get(0)));
        assertTrue(again.says("Your mailbox is already reconnected"), again.html());
    }

    /**
     * One account, one trace, across the three services as separate processes: its AccountDetected (scanner),
     * AccountNotified (notifier, via the email) and AccountMigrated (reauth, via the link) carry the same trace id.
     */
    @Test
    @Order(4)
    void eachMigratedAccountsEventsCarryOneTraceAcrossTheServices() {
        Set<String> migrated = probe.accountsWithStatus("MIGRATED");
        assertFalse(migrated.isEmpty());
        Map<String, Set<String>> detected = probe.traceIdsByAccount(EventType.ACCOUNT_DETECTED);
        Map<String, Set<String>> notified = probe.traceIdsByAccount(EventType.ACCOUNT_NOTIFIED);
        Map<String, Set<String>> migrations = probe.traceIdsByAccount(EventType.ACCOUNT_MIGRATED);
        for (String account : migrated) {
            Set<String> trace = detected.get(account);
            assertEquals(1, trace.size(), account + ": " + trace);
            assertFalse(trace.contains("null"), account + " was detected without a trace");
            assertEquals(trace, notified.get(account), account + ": the email continued the scan's trace");
            assertEquals(trace, migrations.get(account), account + ": the hand-over continued it through the link");
        }
    }

    /**
     * After the run: no access token, refresh token or client secret in any service's log, on any topic or in any
     * service's database in clear. The sweep first finds a migrated account's id, which is in all three places, so a
     * sweep that looked nowhere would fail here.
     */
    @Test
    @Order(5)
    void noTokenOrSecretOfTheRunIsInALogOnATopicOrInADatabase() throws Exception {
        Set<String> migrated = probe.accountsWithStatus("MIGRATED");
        assertFalse(migrated.isEmpty());
        String anAccount = migrated.iterator().next();
        List<String> seen = SecretSweep.findings(system, List.of(anAccount));
        for (String place : List.of("log ", "topic ", "database ")) {
            assertTrue(seen.stream().anyMatch(f -> f.startsWith(place)), "the sweep sees into every " + place + "; it saw " + seen);
        }

        List<String> secrets = probe.issuedSecrets();
        // v2: each account's old and new token; v3: the hosted exchange's token, or native mode's refresh token.
        int perAccount = system.nylasApi().equals("v2") ? 2 : 1;
        assertTrue(secrets.size() >= perAccount * migrated.size(), "every migrated account's tokens: " + secrets.size());
        if (system.nativeAuth()) {
            assertEquals(migrated.size(), probe.microsoftRefreshTokens(), "one refresh token per native sign-in");
        }
        assertEquals(List.of(), SecretSweep.findings(system, secrets));
    }
}
