package io.relink.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.relink.devstack.RelinkSystem;
import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.TopicClient;
import io.relink.events.Topics;

/**
 * Crashes in the middle of a run, each a SIGKILL (no shutdown hook, nothing flushed): the Kafka broker while the
 * scanner publishes and the notifier consumes, and again while users reconnect; and each service in turn. The run must end as if nothing happened.
 * The one documented repeat: emails a notifier was sending when it died (at most {@code relink.notify.parallel-sends})
 * go out again, because they cannot be known to have left.
 */
class FaultToleranceTest {
    private static final int PARALLEL_SENDS = 8;

    /** A scan that takes several seconds (100 ms per page, two at a time), and quick lease and retry timings. */
    private static RelinkSystem start(String name) throws Exception {
        return RelinkSystem.builder(Files.createTempDirectory("relink-" + name))
                // About 1,100 ews grants (a fifth of the accounts), as many hand-overs as the v2 run had.
                .accounts(5_000)
                .adminKey("fault-admin-key")
                .sandbox("relink.sandbox.faults.latency", "100ms")
                // On v3 the scan pages the ews grants only (a quarter of the accounts): small pages, one at a time, keep
                // it running for seconds, so that each kill lands mid-scan.
                .config(Service.SCANNER, "relink.scan.concurrency", "1")
                .config(Service.SCANNER, "relink.scan.page-size", "50")
                .config(Service.SCANNER, "relink.scan.lease", "3s")
                .config(Service.SCANNER, "relink.scan.heartbeat-interval", "0.5s")
                .config(Service.NOTIFIER, "relink.notify.poll-interval", "0.2s")
                // Faults, not pacing, are under test here (CampaignControlTest covers the limits): sending runs unthrottled.
                .config(Service.NOTIFIER, "relink.notify.rate-per-minute", "0")
                .config(Service.NOTIFIER, "relink.notify.rate-per-domain-per-minute", "0")
                .config(Service.NOTIFIER, "relink.notify.retry-backoff", "1s")
                .config(Service.NOTIFIER, "relink.notify.max-retry-backoff", "2s")
                .config(Service.NOTIFIER, "relink.notify.sending-lease", "5s")
                .config(Service.NOTIFIER, "relink.notify.parallel-sends", String.valueOf(PARALLEL_SENDS))
                // A hand-over cut off by the crash holds its account for 4 request timeouts: 8 s here.
                .config(Service.REAUTH, "relink.nylas.request-timeout", "2s")
                .start();
    }

    @Test
    void brokerKilledWhileTheScanPublishesAndTheNotifierConsumesLosesAndRepeatsNothing() throws Exception {
        try (RelinkSystem system = start("broker-kill")) {
            RelinkProbe probe = new RelinkProbe(system);
            Set<String> affected = probe.affected();
            String scan = probe.startScan();
            await().atMost(Duration.ofMinutes(1)).until(() -> probe.scan(scan).get("affected").asLong() >= affected.size() / 4
                    && !system.mail().receivedMessages().isEmpty());

            system.kafka().kill();
            long detectedAtKill = probe.scan(scan).get("affected").asLong();
            // The scan goes on without the broker: its events wait in the outbox.
            await().atMost(Duration.ofMinutes(1)).until(() -> probe.scan(scan).get("affected").asLong() >= detectedAtKill + affected.size() / 5
                    || !"RUNNING".equals(probe.scan(scan).get("status").asText()));
            system.kafka().start();

            probe.awaitScanEnd(scan, "COMPLETED", Duration.ofMinutes(2));
            assertEquals(affected, probe.openAccounts(),
                    "one registry row for each affected account, and no other");
            probe.awaitEveryInitialEmailSent(affected);
            probe.assertOneEmailEach(affected, 0);
            // The notifier's AccountNotified events come back round to the registry.
            await().atMost(Duration.ofMinutes(2)).until(() -> probe.countWithStatus("NOTIFIED") == affected.size());

            // Reauth, the public service, rides out a broker outage: it stays ready, its links work and hand-overs
            // complete; their AccountMigrated events wait in the outbox and arrive once the broker is back.
            Map<String, String> idsByEmail = probe.accountIdsByEmail();
            List<String> users = probe.reauthEmails().keySet().stream().limit(12).toList();
            system.kafka().kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> system.reauth().request("GET", "/q/health/group/kafka", null, null).statusCode() == 503);
            AtomicInteger notReady = new AtomicInteger();
            ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
            watch.scheduleAtFixedRate(() -> {
                if (!system.reauth().isReady()) {
                    notReady.incrementAndGet();
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            try {
                for (String user : users) {
                    Browser.Page done = RelinkProbe.reconnect(RelinkProbe.linkIn(probe.reauthEmails().get(user).get(0)));
                    assertTrue(done.says("Your mailbox is reconnected"), done.html());
                }
            } finally {
                watch.shutdownNow();
            }
            assertEquals(0, notReady.get(), "reauth stayed ready without the broker");
            system.kafka().start();
            Set<String> reconnected = users.stream().map(idsByEmail::get).collect(Collectors.toSet());
            await().atMost(Duration.ofMinutes(2)).until(() -> probe.accountsWithStatus("MIGRATED").equals(reconnected));
            assertEquals(200, system.reauth().request("GET", "/q/health/group/kafka", null, null).statusCode());
        }
    }

    @Test
    void eachServiceKilledMidRunAndRestartedEndsWithTheSameResult() throws Exception {
        try (RelinkSystem system = start("service-kill")) {
            RelinkProbe probe = new RelinkProbe(system);
            Set<String> affected = probe.affected();

            // The scanner, a third of the way through its scan: the restarted one takes the scan over from its checkpoint.
            String scan = probe.startScan();
            await().atMost(Duration.ofMinutes(1)).until(() -> probe.scan(scan).get("affected").asLong() >= affected.size() / 3);
            system.scanner().kill();
            system.scanner().start();
            assertTrue(probe.awaitScanEnd(scan, "COMPLETED", Duration.ofMinutes(2)).get("resumed").asInt() >= 1, "resumed, not restarted");
            assertEquals(affected, probe.openAccounts());

            // The notifier, while it sends.
            await().atMost(Duration.ofMinutes(1)).until(() -> probe.reauthEmails().size() >= affected.size() / 5);
            system.notifier().kill();
            system.notifier().start();
            probe.awaitEveryInitialEmailSent(affected);
            probe.assertOneEmailEach(affected, PARALLEL_SENDS);

            // Reauth, while users sign in eight at a time; those it dropped open their link again.
            List<String> links = new ArrayList<>();
            probe.reauthEmails().values().forEach(messages -> links.add(RelinkProbe.linkIn(messages.get(0))));
            AtomicInteger finished = new AtomicInteger();
            ExecutorService users = Executors.newFixedThreadPool(8);
            Runnable waitForReauth = () -> await().atMost(Duration.ofMinutes(2)).until(() -> system.reauth().isReady());
            List<Future<?>> flows = new ArrayList<>();
            for (String link : links) {
                flows.add(users.submit(() -> {
                    RelinkProbe.reconnectUntilDone(link, waitForReauth);
                    finished.incrementAndGet();
                    return null;
                }));
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> finished.get() >= links.size() / 3);
            system.reauth().kill();
            system.reauth().start();
            for (Future<?> flow : flows) {
                flow.get();
            }
            users.shutdown();

            await().atMost(Duration.ofMinutes(1)).until(() -> probe.countWithStatus("MIGRATED") == affected.size());
            assertEquals(affected, probe.accountsWithStatus("MIGRATED"));
            try (TopicClient topics = new TopicClient(system.kafka().bootstrapServers())) {
                Set<String> migrated = new HashSet<>();
                for (ConsumerRecord<String, byte[]> r : topics.readFromBeginning(Topics.MIGRATIONS, affected.size(), Duration.ofSeconds(60))) {
                    migrated.add(r.key());
                }
                assertEquals(affected, migrated, "an AccountMigrated for every account");
            }
        }
    }
}
