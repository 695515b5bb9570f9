package io.relink.notifier;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.Devstack;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.TopicClient;
import io.relink.devstack.testing.PrometheusText;
import io.relink.devstack.testing.RecordedSpans;
import io.relink.events.AccountDetected;
import io.relink.events.AccountMigrated;
import io.relink.events.AccountNotified;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.RelinkEvent;
import io.relink.events.Topics;
import io.relink.links.LinkTokens;
import io.relink.notifier.model.Notification;
import jakarta.inject.Inject;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/** From AccountDetected to the user's mailbox, with real Kafka, PostgreSQL and SMTP. */
@QuarkusTest
@WithTestResource(DevstackResource.class)
class NotifierTest {
    private static final Pattern LINK = Pattern.compile("http://localhost:8083/reauth/([A-Za-z0-9._-]+)");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    InMemorySpanExporter spans;

    @InjectDevstack
    Devstack devstack;

    @Inject
    LinkTokens links;

    @Inject
    TestClock clock;

    @Test
    void aDetectedAccountGetsOneEmailWithALinkReauthCanVerifyAndOneAccountNotified() throws Exception {
        AccountDetected detected = detected();
        send(detected);
        MimeMessage mail = awaitMails(detected.email(), 1).get(0);

        assertTrue(mail.getSubject().startsWith("Action needed: reconnect your mailbox"), mail.getSubject());
        String text = text(mail);
        assertTrue(text.contains("it-help@contoso.example"), "says whom to ask: " + text);
        Matcher link = LINK.matcher(text);
        assertTrue(link.find(), text);
        LinkTokens.Claims claims = links.verify(link.group(1), LinkTokens.Purpose.REAUTH);
        assertEquals(detected.accountId(), claims.accountId());
        assertEquals(detected.email(), claims.email());
        assertTrue(html(mail).contains(link.group(1)), "the HTML part carries the same link");

        AccountNotified notified = awaitNotified(detected.accountId(), 1).get(0);
        assertEquals(AccountNotified.Kind.INITIAL, notified.kind());
        assertEquals(1, notified.attempt());
        assertEquals(mail.getMessageID(), notified.messageId());
    }

    /**
     * The account's trace, begun by the scan, goes on through the email: its send is a span of that trace, the link
     * carries it to reauth, and AccountNotified's record continues it.
     */
    @Test
    void theEmailItsLinkAndAccountNotifiedContinueTheTraceOfAccountDetected() throws Exception {
        AccountDetected detected = detected();
        String traceParent = RecordedSpans.newTraceParent();
        String traceId = RecordedSpans.traceId(traceParent);
        send(detected, traceParent);

        Matcher link = LINK.matcher(text(awaitMails(detected.email(), 1).get(0)));
        assertTrue(link.find());
        assertEquals(traceId, RecordedSpans.traceId(links.verify(link.group(1), LinkTokens.Purpose.REAUTH).traceParent()));
        try (TopicClient client = topics()) {
            ConsumerRecord<String, byte[]> notified = await().atMost(WAIT).until(() -> client.readFromBeginning(Topics.NOTIFICATIONS,
                    Integer.MAX_VALUE, Duration.ofSeconds(2)).stream().filter(r -> detected.accountId().equals(r.key())).findFirst(),
                    Optional::isPresent).get();
            assertEquals(traceId, RecordedSpans.traceId(notified.headers()), "AccountNotified is published in the account's trace");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            List<SpanData> trace = RecordedSpans.ofTrace(spans, traceId);
            assertTrue(trace.stream().anyMatch(s -> s.getName().equals("email send")), trace.toString());
            assertTrue(trace.stream().anyMatch(s -> s.getKind() == SpanKind.CONSUMER && s.getName().startsWith("notifier process")), trace.toString());
            assertTrue(trace.stream().anyMatch(s -> s.getKind() == SpanKind.PRODUCER), "the relay's send: " + trace);
        });
    }

    @Test
    void theSameEventDeliveredThreeTimesSendsOneEmail() throws Exception {
        AccountDetected detected = detected();
        send(detected);
        send(detected);
        send(detected);
        awaitMails(detected.email(), 1);
        try (TopicClient client = topics()) {
            client.awaitConsumed("relink-notifier", Topics.ACCOUNTS, WAIT);
        }
        await().atMost(WAIT).until(() -> notifications(detected.accountId()).stream().allMatch(n -> n.status != Notification.Status.SENDING));
        assertEquals(1, devstack.mail().messagesTo(detected.email()).size());
        assertEquals(1, notifications(detected.accountId()).stream().filter(n -> n.kind == Notification.Kind.INITIAL).count());
    }

    @Test
    void whileSmtpIsDownEventsAreConsumedAndEveryEmailArrivesOnceItIsBack() throws Exception {
        devstack.mail().stop();
        List<AccountDetected> events = List.of(detected(), detected(), detected());
        try {
            events.forEach(this::send);
            try (TopicClient client = topics()) {
                client.awaitConsumed("relink-notifier", Topics.ACCOUNTS, WAIT);
            }
            await().atMost(WAIT).until(() -> events.stream().allMatch(e -> notifications(e.accountId()).stream()
                    .anyMatch(n -> n.tries >= 1 && n.status == Notification.Status.PENDING && n.lastError != null)));
        } finally {
            devstack.mail().start();
        }
        for (AccountDetected e : events) {
            awaitMails(e.email(), 1);
            // Marked sent after the server accepted it; a reminder may already be scheduled beside it.
            await().atMost(WAIT).until(() -> notifications(e.accountId()).stream()
                    .anyMatch(n -> n.kind == Notification.Kind.INITIAL && n.status == Notification.Status.SENT));
            assertEquals(1, devstack.mail().messagesTo(e.email()).size(), "sent once the server was back, and only once");
        }
    }

    @Test
    void remindersFollowTheScheduleAndStopOnceTheUserMigrated() throws Exception {
        AccountDetected detected = detected();
        send(detected);
        awaitMails(detected.email(), 1);
        await().atMost(WAIT).until(() -> notifications(detected.accountId()).stream().anyMatch(n -> n.kind == Notification.Kind.REMINDER));

        clock.advance(Duration.ofDays(3).plusMinutes(1));
        List<MimeMessage> mails = awaitMails(detected.email(), 2);
        assertTrue(mails.stream().anyMatch(m -> subject(m).startsWith("Reminder:")));
        AccountNotified reminder = awaitNotified(detected.accountId(), 2).stream()
                .filter(n -> n.kind() == AccountNotified.Kind.REMINDER).findFirst().orElseThrow();
        assertEquals(2, reminder.attempt());

        send(AccountMigrated.of(Instant.now(), detected.accountId(), detected.accountId(), "ews", false));
        List<MimeMessage> withConfirmation = awaitMails(detected.email(), 3);
        assertTrue(withConfirmation.stream().anyMatch(m -> subject(m).startsWith("Your mailbox is reconnected")));

        clock.advance(Duration.ofDays(7));
        await().atMost(WAIT).until(() -> notifications(detected.accountId()).stream()
                .noneMatch(n -> n.status == Notification.Status.PENDING || n.status == Notification.Status.SENDING));
        assertEquals(3, devstack.mail().messagesTo(detected.email()).size(), "no reminder after the migration");
        assertTrue(notifications(detected.accountId()).stream().anyMatch(n -> n.status == Notification.Status.CANCELLED));
    }

    @Test
    void malformedRecordsLandOnTheDeadLetterTopicWithTheirReason() {
        String key = "acc-" + UUID.randomUUID();
        try (TopicClient client = topics()) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.ACCOUNTS, key, "{\"accountId\": 42}".getBytes(StandardCharsets.UTF_8));
            record.headers().add(CloudEventHeaders.TYPE, "io.relink.account.detected.v1".getBytes(StandardCharsets.UTF_8));
            client.send(record);
            List<ConsumerRecord<String, byte[]>> dead = await().atMost(WAIT).until(() -> client.readFromBeginning(
                    Topics.deadLetter(Topics.ACCOUNTS), Integer.MAX_VALUE, Duration.ofSeconds(2)).stream().filter(r -> key.equals(r.key())).toList(),
                    r -> !r.isEmpty());
            assertTrue(CloudEventHeaders.read(dead.get(0).headers(), "dead-letter-reason").contains("invalid AccountDetected"));
        }
        AccountDetected after = detected();
        send(after);
        awaitMails(after.email(), 1);
    }

    @Test
    void operatorsSeeAnAccountsEmailsAndResendAFailedOne() throws Exception {
        AccountDetected detected = detected();
        send(detected);
        awaitMails(detected.email(), 1);
        UUID initial = notifications(detected.accountId()).stream().filter(n -> n.kind == Notification.Kind.INITIAL).findFirst().orElseThrow().id;
        QuarkusTransaction.requiringNew().run(() -> Notification.update("status = ?1, lastError = 'refused' where id = ?2",
                Notification.Status.FAILED, initial));

        admin().queryParam("status", "FAILED").get("/api/notifications").then().statusCode(200)
                .body("find { it.id == '" + initial + "' }.lastError", equalTo("refused"))
                .body("find { it.id == '" + initial + "' }.email", equalTo(detected.email()));
        // Operators are alerted on it (RelinkEmailsGivenUp) from the gauge the recovery job refreshes.
        await().atMost(WAIT).until(() -> givenUpGauge() >= 1);
        admin().post("/api/notifications/" + initial + "/resend").then().statusCode(202).body("status", equalTo("PENDING"));
        awaitMails(detected.email(), 2);
        admin().post("/api/notifications/" + initial + "/resend").then().statusCode(409);
        admin().queryParam("accountId", detected.accountId()).get("/api/notifications").then().statusCode(200)
                .body("find { it.kind == 'INITIAL' }.status", equalTo("SENT"));
        admin().queryParam("status", "LOST").get("/api/notifications").then().statusCode(400);
        admin().get("/api/notifications").then().statusCode(400);
        admin().post("/api/notifications/" + UUID.randomUUID() + "/resend").then().statusCode(404);
        given().get("/api/notifications?status=FAILED").then().statusCode(401);
    }

    // --- helpers

    private static double givenUpGauge() {
        return PrometheusText.sum(given().get("/q/metrics").then().extract().asString(), "relink_notifier_emails_given_up");
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    private static AccountDetected detected() {
        return TestEvents.detected("contoso.example");
    }

    private TopicClient topics() {
        return new TopicClient(devstack.kafka().bootstrapServers());
    }

    private void send(RelinkEvent event) {
        send(event, null);
    }

    private void send(RelinkEvent event, String traceParent) {
        TestEvents.send(devstack, event, traceParent);
    }

    private List<MimeMessage> awaitMails(String to, int count) {
        return await().atMost(WAIT).until(() -> devstack.mail().messagesTo(to), m -> m.size() >= count);
    }

    private List<AccountNotified> awaitNotified(String accountId, int count) {
        try (TopicClient client = topics()) {
            return await().atMost(WAIT).until(() -> client.readFromBeginning(Topics.NOTIFICATIONS, Integer.MAX_VALUE, Duration.ofSeconds(2))
                    .stream().filter(r -> accountId.equals(r.key()))
                    .map(r -> (AccountNotified) EventCodec.read(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE), r.value())).toList(),
                    n -> n.size() >= count);
        }
    }

    private static List<Notification> notifications(String accountId) {
        return QuarkusTransaction.requiringNew().call(() -> Notification.<Notification>list("accountId", accountId));
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(MimeMessage m) throws Exception {
        return part(m, "text/plain");
    }

    private static String html(MimeMessage m) throws Exception {
        return part(m, "text/html");
    }

    private static String part(MimeMessage m, String type) throws Exception {
        Object content = m.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                if (multipart.getBodyPart(i).isMimeType(type)) {
                    return multipart.getBodyPart(i).getContent().toString();
                }
            }
        }
        return content.toString();
    }
}
