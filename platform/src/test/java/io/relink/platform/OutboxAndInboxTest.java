package io.relink.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.Devstack;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountMigrated;
import io.relink.events.CloudEventHeaders;
import io.relink.events.RelinkEvent;
import io.relink.events.Topics;
import io.relink.platform.inbox.ProcessedEvents;
import io.relink.platform.messaging.IncomingEvents;
import io.relink.platform.outbox.Outbox;
import io.relink.platform.outbox.OutboxEvent;
import jakarta.inject.Inject;

@QuarkusTest
@WithTestResource(DevstackResource.class)
class OutboxAndInboxTest {
    @InjectDevstack
    Devstack devstack;

    @Inject
    Outbox outbox;

    @Inject
    ProcessedEvents processedEvents;

    @Test
    void committedEventReachesItsTopicWithKeyAndCloudEventsHeaders() {
        AccountMigrated event = AccountMigrated.of(Instant.now(), "acc-" + UUID.randomUUID(), "new-1", "graph", true);
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(event));

        ConsumerRecord<String, byte[]> record = awaitRecord(event);
        assertEquals(event.accountId(), record.key());
        assertEquals("io.relink.account.migrated.v1", CloudEventHeaders.read(record.headers(), CloudEventHeaders.TYPE));
        assertEquals("/relink/platform-test", CloudEventHeaders.read(record.headers(), CloudEventHeaders.SOURCE));
        assertEquals(event.accountId(), CloudEventHeaders.read(record.headers(), CloudEventHeaders.SUBJECT));
        assertEquals(event, IncomingEvents.decode(record));
        await().atMost(Duration.ofSeconds(10)).until(() -> sentAt(event) != null);
    }

    @Test
    void rolledBackEventIsNeverPublished() {
        AccountMigrated rolledBack = AccountMigrated.of(Instant.now(), "acc-" + UUID.randomUUID(), "x", "graph", false);
        AccountMigrated committed = AccountMigrated.of(Instant.now(), "acc-" + UUID.randomUUID(), "y", "graph", false);
        QuarkusTransaction.begin();
        outbox.publish(rolledBack);
        QuarkusTransaction.rollback();
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(committed));

        awaitRecord(committed);
        assertFalse(eventIdsOnTopic().contains(rolledBack.eventId().toString()));
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> OutboxEvent.count("eventId", rolledBack.eventId())));
    }

    @Test
    void eventWrittenWhileTheBrokerIsDownIsPublishedWhenItReturns() {
        AccountMigrated event = AccountMigrated.of(Instant.now(), "acc-" + UUID.randomUUID(), "z", "graph", false);
        devstack.kafka().stop();
        try {
            QuarkusTransaction.requiringNew().run(() -> outbox.publish(event));
            await().atMost(Duration.ofSeconds(30)).until(() -> attempts(event) >= 1);
            assertEquals(null, sentAt(event), "not marked sent without the broker's acknowledgement");
        } finally {
            devstack.kafka().start();
        }
        awaitRecord(event);
        await().atMost(Duration.ofSeconds(30)).until(() -> sentAt(event) != null);
    }

    @Test
    void processedEventsRecognisesARepeatPerConsumer() {
        UUID id = UUID.randomUUID();
        assertTrue(QuarkusTransaction.requiringNew().call(() -> processedEvents.firstDelivery("notifier", id)));
        assertFalse(QuarkusTransaction.requiringNew().call(() -> processedEvents.firstDelivery("notifier", id)));
        assertTrue(QuarkusTransaction.requiringNew().call(() -> processedEvents.firstDelivery("scanner", id)),
                "another consumer processes the same event independently");
    }

    @Test
    void idsOlderThanTheRetentionAreForgottenAndYoungerOnesKept() throws Exception {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            processedEvents.firstDelivery("purge-test", old);
            processedEvents.firstDelivery("purge-test", recent);
        });
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement()) {
            // The topics keep records 30 days; the default retention (35 days) outlives them.
            s.executeUpdate("UPDATE processed_event SET processed_at = now() - interval '36 days' WHERE event_id = '" + old + "'");
            s.executeUpdate("UPDATE processed_event SET processed_at = now() - interval '29 days' WHERE event_id = '" + recent + "'");
        }
        assertTrue(processedEvents.purgeExpired() >= 1);
        assertTrue(QuarkusTransaction.requiringNew().call(() -> processedEvents.firstDelivery("purge-test", old)), "forgotten");
        assertFalse(QuarkusTransaction.requiringNew().call(() -> processedEvents.firstDelivery("purge-test", recent)), "still known");
    }

    private ConsumerRecord<String, byte[]> awaitRecord(RelinkEvent event) {
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            ConsumerRecord<String, byte[]>[] found = new ConsumerRecord[1];
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                List<ConsumerRecord<String, byte[]>> records = client.readFromBeginning(Topics.MIGRATIONS, Integer.MAX_VALUE, Duration.ofSeconds(2));
                found[0] = records.stream().filter(r -> event.eventId().toString()
                        .equals(CloudEventHeaders.read(r.headers(), CloudEventHeaders.ID))).findFirst().orElse(null);
                return found[0] != null;
            });
            assertNotNull(found[0]);
            return found[0];
        }
    }

    private Set<String> eventIdsOnTopic() {
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            return client.readFromBeginning(Topics.MIGRATIONS, Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                    .map(r -> CloudEventHeaders.read(r.headers(), CloudEventHeaders.ID)).collect(Collectors.toSet());
        }
    }

    private static Instant sentAt(RelinkEvent event) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEvent.<OutboxEvent>find("eventId", event.eventId()).firstResult().sentAt);
    }

    private static int attempts(RelinkEvent event) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEvent.<OutboxEvent>find("eventId", event.eventId()).firstResult().attempts);
    }
}
