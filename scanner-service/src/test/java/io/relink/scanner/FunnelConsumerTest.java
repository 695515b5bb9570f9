package io.relink.scanner;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.Devstack;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.SandboxResource;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountBounced;
import io.relink.events.AccountNotAffected;
import io.relink.events.AccountMigrated;
import io.relink.events.AccountNotified;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.RelinkEvent;
import io.relink.events.Topics;
import io.relink.scanner.model.AccountStatus;
import io.relink.scanner.model.RegisteredAccount;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** The funnel follows the notifier's and reauth's events, once each, and sets unreadable records aside. */
@QuarkusTest
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = { @ResourceArg(name = "relink.sandbox.accounts", value = "3000"),
        @ResourceArg(name = SandboxResource.NYLAS_API, value = "v2") })
class FunnelConsumerTest {
    @InjectDevstack
    Devstack devstack;

    @Inject
    EntityManager entityManager;

    @Test
    void notificationsAndMigrationMoveAnAccountAlongOnceEach() {
        String id = detectedAccount();
        AccountNotified notified = AccountNotified.of(Instant.now(), id, AccountNotified.Kind.INITIAL, 1, "<m1@relink>");
        send(notified);
        send(notified);
        send(AccountNotified.of(Instant.now(), id, AccountNotified.Kind.REMINDER, 2, "<m2@relink>"));
        await().atMost(Duration.ofSeconds(30)).until(() -> row(id).notifications == 2);
        assertEquals(AccountStatus.NOTIFIED, row(id).status);

        send(AccountMigrated.of(Instant.now(), id, "new-" + id, "graph", true));
        await().atMost(Duration.ofSeconds(30)).until(() -> row(id).status == AccountStatus.MIGRATED);
        assertEquals("new-" + id, row(id).newAccountId);
        assertEquals(2, row(id).notifications, "the repeated AccountNotified was applied once");
    }

    /**
     * A scan storing an account holds its row; a migration arriving meanwhile waits and then applies to what the
     * scan wrote, so neither writes back an old copy of the other's columns.
     */
    @Test
    void aMigrationArrivingWhileAScanHoldsTheRowKeepsWhatTheScanWrote() {
        String id = detectedAccount();
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("SELECT 1 FROM account WHERE account_id = ?1 FOR UPDATE").setParameter(1, id).getResultList();
            send(AccountMigrated.of(Instant.now(), id, "new-" + id, "graph", true));
            // pg_stat_activity is a snapshot taken once per transaction: cleared before each look, or the first
            // look (before the consumer got to the row) would be all this transaction ever sees.
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                entityManager.createNativeQuery("SELECT 1 FROM (SELECT pg_stat_clear_snapshot()) cleared").getSingleResult();
                return ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                        .getSingleResult()).intValue() > 0;
            });
            entityManager.createNativeQuery("UPDATE account SET sync_state = 'running' WHERE account_id = ?1").setParameter(1, id).executeUpdate();
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> row(id).status == AccountStatus.MIGRATED);
        assertEquals("running", row(id).syncState, "the scan's write survived the migration");
    }

    /**
     * A transient database error (here a deadlock, injected once by a trigger) is retried in a fresh transaction:
     * the event is applied, not dead-lettered.
     */
    @Test
    void aTransientDatabaseErrorIsRetriedInAFreshTransaction() {
        String id = detectedAccount();
        String sequence = "fail_once_" + id.replace('-', '_');
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("CREATE SEQUENCE " + sequence).executeUpdate();
            // A sequence is not rolled back with the failed transaction, so only the first attempt fails.
            entityManager.createNativeQuery("CREATE FUNCTION " + sequence + "() RETURNS trigger AS $$ BEGIN"
                    + " IF NEW.account_id = '" + id + "' THEN IF nextval('" + sequence + "') = 1 THEN"
                    + " RAISE EXCEPTION 'injected deadlock' USING ERRCODE = '40P01'; END IF; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
                    .executeUpdate();
            entityManager.createNativeQuery("CREATE TRIGGER " + sequence + " BEFORE UPDATE ON account FOR EACH ROW EXECUTE FUNCTION "
                    + sequence + "()").executeUpdate();
        });
        try {
            send(AccountMigrated.of(Instant.now(), id, "new-" + id, "graph", true));
            await().atMost(Duration.ofSeconds(30)).until(() -> row(id).status == AccountStatus.MIGRATED);
            assertEquals(2L, QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                    .createNativeQuery("SELECT last_value FROM " + sequence).getSingleResult()).longValue()),
                    "one failed attempt, then one that committed");
        } finally {
            QuarkusTransaction.requiringNew().run(() -> {
                entityManager.createNativeQuery("DROP TRIGGER " + sequence + " ON account").executeUpdate();
                entityManager.createNativeQuery("DROP FUNCTION " + sequence + "()").executeUpdate();
                entityManager.createNativeQuery("DROP SEQUENCE " + sequence).executeUpdate();
            });
        }
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicWithTheirReasonAndTheConsumerGoesOn() {
        String id = detectedAccount();
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(Topics.NOTIFICATIONS, id, "{not json".getBytes(StandardCharsets.UTF_8));
            garbage.headers().add(CloudEventHeaders.TYPE, "io.relink.account.notified.v1".getBytes(StandardCharsets.UTF_8));
            client.send(garbage);
            client.send(new ProducerRecord<>(Topics.MIGRATIONS, id, "{}".getBytes(StandardCharsets.UTF_8)));
        }
        send(AccountNotified.of(Instant.now(), id, AccountNotified.Kind.INITIAL, 1, "<after-garbage@relink>"));
        await().atMost(Duration.ofSeconds(30)).until(() -> row(id).notifications == 1);

        List<ConsumerRecord<String, byte[]>> dead = deadLetters(Topics.NOTIFICATIONS, id);
        assertEquals(1, dead.size());
        assertTrue(CloudEventHeaders.read(dead.get(0).headers(), "dead-letter-reason").contains("invalid AccountNotified"),
                CloudEventHeaders.read(dead.get(0).headers(), "dead-letter-reason"));
        assertEquals("{not json", new String(dead.get(0).value(), StandardCharsets.UTF_8), "the original record is kept");
        assertTrue(CloudEventHeaders.read(deadLetters(Topics.MIGRATIONS, id).get(0).headers(), "dead-letter-reason").contains("ce_type"));
    }

    @Test
    void aBounceIsRecordedOnceWithTheServersReplyAndCountedInTheFunnel() {
        String id = detectedAccount();
        long before = given().header("Authorization", "Bearer test-admin-key").get("/api/summary").then().statusCode(200)
                .extract().jsonPath().getLong("funnel.bounced");
        AccountBounced bounce = AccountBounced.of(Instant.now(), id, AccountNotified.Kind.INITIAL, 1, "550 5.1.1 No such mailbox");
        send(bounce);
        send(bounce);
        await().atMost(Duration.ofSeconds(30)).until(() -> row(id).bouncedAt != null);
        assertEquals("550 5.1.1 No such mailbox", row(id).bounceReply);
        assertEquals(AccountStatus.DETECTED, row(id).status, "a bounce neither notifies nor resolves the account");
        given().header("Authorization", "Bearer test-admin-key").get("/api/summary").then().statusCode(200)
                .body("funnel.bounced", org.hamcrest.Matchers.equalTo((int) before + 1));
    }

    @Test
    void anOnPremisesAccountIsListedAsNotAffectedWithTheReasonAndMovesOnIfEmailedAfterAll() {
        String id = detectedAccount();
        AccountNotAffected notAffected = AccountNotAffected.of(Instant.now(), id, AccountNotAffected.Reason.ON_PREMISES, "contoso.example");
        send(notAffected);
        send(notAffected);
        await().atMost(Duration.ofSeconds(30)).until(() -> row(id).status == AccountStatus.NOT_AFFECTED);
        given().header("Authorization", "Bearer test-admin-key").get("/api/accounts/" + id).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("NOT_AFFECTED")).body("notAffectedReason", org.hamcrest.Matchers.equalTo("ON_PREMISES"));
        given().header("Authorization", "Bearer test-admin-key").get("/api/summary").then().statusCode(200)
                .body("funnel.notAffected", org.hamcrest.Matchers.greaterThan(0));
        // An operator included the domain: the user is emailed after all.
        send(AccountNotified.of(Instant.now(), id, AccountNotified.Kind.INITIAL, 1, "<m1@relink>"));
        await().atMost(Duration.ofSeconds(30)).until(() -> row(id).status == AccountStatus.NOTIFIED);
        send(AccountNotAffected.of(Instant.now(), id, AccountNotAffected.Reason.ON_PREMISES, "contoso.example"));
        send(AccountBounced.of(Instant.now(), id, AccountNotified.Kind.INITIAL, 1, "550 marker")); // after the late event, in order
        await().atMost(Duration.ofSeconds(30)).until(() -> row(id).bouncedAt != null);
        assertEquals(AccountStatus.NOTIFIED, row(id).status, "a late AccountNotAffected does not take back an email that went out");
    }

    @Test
    void theSummaryAndMetricsShowTheFunnel() {
        given().header("Authorization", "Bearer test-admin-key").get("/api/summary").then().statusCode(200)
                .body("funnel.detected", org.hamcrest.Matchers.greaterThan(0));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then()
                .body(containsString("relink_funnel_accounts{status=\"DETECTED\"}"))
                .body(containsString("relink_funnel_bounced_accounts"))
                .body(containsString("relink_scan_pages_total")));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/scans")).body(containsString("/api/accounts"));
    }

    private String detectedAccount() {
        String id = "acc-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            RegisteredAccount row = new RegisteredAccount();
            row.accountId = id;
            row.email = "funnel@contoso.example";
            row.provider = "eas";
            row.status = AccountStatus.DETECTED;
            row.firstSeenAt = Instant.now();
            row.lastSeenAt = row.firstSeenAt;
            row.updatedAt = row.firstSeenAt;
            row.detectedScanId = UUID.randomUUID();
            row.persist();
        });
        return id;
    }

    private static RegisteredAccount row(String id) {
        return QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>findById(id));
    }

    private void send(RelinkEvent event) {
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            RecordHeaders headers = new RecordHeaders();
            CloudEventHeaders.write(headers, event, "/relink/test");
            client.send(new ProducerRecord<>(event.type().topic(), null, event.accountId(), EventCodec.write(event), headers));
        }
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(String topic, String key) {
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            return await().atMost(Duration.ofSeconds(30)).until(
                    () -> client.readFromBeginning(Topics.deadLetter(topic), Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                            .filter(r -> key.equals(r.key())).toList(), r -> !r.isEmpty());
        }
    }
}
