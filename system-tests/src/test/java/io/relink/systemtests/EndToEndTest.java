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

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.relink.devstack.RelinkSystem;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountMigrated;
import io.relink.events.EventCodec;
import io.relink.events.Topics;
import jakarta.mail.internet.MimeMessage;

/**
 * The whole journey, as users meet it, for many accounts at once: a scan finds the password accounts, each end user
 * gets one email, follows its link in a browser, signs in on the (sandbox) Microsoft page and comes back; reauth
 * publishes {@code AccountMigrated} and the funnel says MIGRATED. Every part is a separate process.
 */
class EndToEndTest {
    private static RelinkSystem system;
    private static RelinkProbe probe;

    @BeforeAll
    static void start() throws Exception {
        system = RelinkSystem.builder(Files.createTempDirectory("relink-e2e"))
                .accounts(600)
                .adminKey("e2e-admin-key")
                .config(RelinkSystem.Service.NOTIFIER, "relink.notify.poll-interval", "0.2s")
                .start();
        probe = new RelinkProbe(system);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void everyAffectedUserIsEmailedReconnectsInTheBrowserAndEndsMigrated() throws Exception {
        Set<String> affected = probe.affected();
        assertTrue(affected.size() >= 50, "enough accounts to run side by side: " + affected.size());

        String scan = probe.startScan();
        assertEquals(affected.size(), probe.awaitScanEnd(scan, "COMPLETED", Duration.ofMinutes(2)).get("affected").asInt());
        assertEquals(affected, union(probe.accountsWithStatus("DETECTED"), probe.accountsWithStatus("NOTIFIED")));

        await().atMost(Duration.ofMinutes(2)).until(() -> probe.reauthEmails().size() == affected.size());
        Map<String, List<MimeMessage>> emails = probe.reauthEmails();
        Map<String, String> idsByEmail = probe.accountIdsByEmail();
        emails.forEach((to, messages) -> assertEquals(1, messages.size(), to + " got one email, not " + messages.size()));
        Set<String> emailed = new HashSet<>();
        emails.keySet().forEach(to -> emailed.add(idsByEmail.get(to)));
        assertEquals(affected, emailed, "exactly the affected accounts' users were emailed");

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

        try (TopicClient topics = new TopicClient(system.kafka().bootstrapServers())) {
            List<ConsumerRecord<String, byte[]>> records = topics.readFromBeginning(Topics.MIGRATIONS, affected.size(), Duration.ofSeconds(60));
            Set<String> migrated = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                AccountMigrated event = EventCodec.read(AccountMigrated.class, r.value());
                assertEquals(r.key(), event.accountId());
                assertTrue(migrated.add(event.accountId()), "one AccountMigrated per account: " + event.accountId());
            }
            assertEquals(affected, migrated);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.countWithStatus("MIGRATED") == affected.size());
        assertEquals(affected, probe.accountsWithStatus("MIGRATED"));

        // Each user is told it worked, once; and the old link now says there is nothing left to do.
        await().atMost(Duration.ofMinutes(1)).until(() -> confirmations() == affected.size());
        Browser.Page again = new Browser().open(RelinkProbe.linkIn(emails.values().iterator().next().get(0)));
        assertTrue(again.says("Your mailbox is already reconnected"), again.html());
    }

    private static long confirmations() {
        return system.mail().receivedMessages().stream().filter(m -> {
            try {
                return m.getSubject().startsWith(RelinkProbe.CONFIRMATION_SUBJECT);
            } catch (jakarta.mail.MessagingException e) {
                throw new AssertionError(e);
            }
        }).count();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
