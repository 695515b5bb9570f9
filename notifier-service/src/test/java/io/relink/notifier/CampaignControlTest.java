package io.relink.notifier;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relink.devstack.Devstack;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.InjectSandbox;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.SandboxResource;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountDetected;
import io.relink.events.AccountNotAffected;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.EventType;
import io.relink.events.Topics;
import io.relink.notifier.model.EmailDomain;
import io.relink.notifier.model.Notification;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Operators in control, against real Kafka, PostgreSQL and SMTP, with the sandbox standing in for Microsoft's tenant
 * discovery: nobody is emailed before approval, a pause stops every send until resumed, on-premises domains are held,
 * a failed lookup blocks nobody, and one domain never gets more than its rate.
 */
@QuarkusTest
@TestProfile(CampaignControlTest.Profile.class)
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = @ResourceArg(name = SandboxResource.TENANT_DISCOVERY, value = "true"))
class CampaignControlTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SUPPORT_KEY = "support-team-key-0123456789";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relink.notify.approval", "required", "relink.admin.api-keys.support-team", SUPPORT_KEY,
                    "relink.notify.tenant-discovery.interval", "0.2s", "relink.notify.rate-per-minute", "600",
                    "relink.notify.rate-per-domain-per-minute", "120");
        }
    }

    @InjectDevstack
    Devstack devstack;

    @InjectSandbox
    SandboxProcess sandbox;

    @BeforeEach
    void everyDomainHasATenantAndSendingRuns() {
        sandbox.control("PUT", "/sandbox/tenants", "{\"on_premises\": [], \"unavailable\": []}");
        admin().post("/api/campaign/resume").then().statusCode(200);
    }

    @Test
    void nobodyIsEmailedBeforeAnOperatorApprovesAndEachApprovalIsRecordedWithWhoGaveIt() {
        List<AccountDetected> fabrikam = detect("fabrikam-approval.example", 3);
        List<AccountDetected> litware = detect("litware-approval.example", 2);
        awaitHeld(fabrikam, Notification.HoldReason.AWAITING_APPROVAL);
        awaitHeld(litware, Notification.HoldReason.AWAITING_APPROVAL);
        assertEquals(0, mailsTo(fabrikam) + mailsTo(litware), "nothing goes out before approval");

        JsonPath approval = support().body("{\"domain\": \"Fabrikam-Approval.example\"}").post("/api/approvals").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(3, approval.getInt("approved"));
        assertEquals("support-team", approval.getString("approvedBy"));
        await().atMost(WAIT).until(() -> mailsTo(fabrikam) == 3);

        assertEquals(0, support().body("{\"domain\": \"fabrikam-approval.example\"}").post("/api/approvals").then().statusCode(200)
                .extract().jsonPath().getInt("approved"), "approving again approves nothing more");
        support().body("{\"accountIds\": [\"" + litware.get(0).accountId() + "\"]}").post("/api/approvals").then().statusCode(200)
                .body("approved", equalTo(1));
        await().atMost(WAIT).until(() -> mailsTo(litware.subList(0, 1)) == 1);
        assertEquals(Notification.Status.HELD, initial(litware.get(1).accountId()).status, "the other litware user still waits");

        List<Map<String, Object>> approvals = admin().get("/api/approvals").then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals("ACCOUNTS", approvals.get(0).get("scope"));
        assertEquals("DOMAIN", approvals.get(1).get("scope"));
        assertEquals(0, approvals.get(1).get("approved"));
        assertEquals("support-team", approvals.get(1).get("approvedBy"));
        assertEquals(3, mailsTo(fabrikam), "each approved user got one email");

        admin().body("{\"domain\": \"not a domain\"}").post("/api/approvals").then().statusCode(400);
        admin().body("{\"all\": true, \"domain\": \"fabrikam-approval.example\"}").post("/api/approvals").then().statusCode(400);
    }

    @Test
    void aPauseStopsEverySendUntilResumedAndThenEveryoneGetsExactlyOneEmail() {
        support().body("{\"reason\": \"wrong product name in the email\"}").post("/api/campaign/pause").then().statusCode(200)
                .body("paused", equalTo(true)).body("changedBy", equalTo("support-team"));
        List<AccountDetected> users = detect("wingtip-pause.example", 6);
        awaitHeld(users, Notification.HoldReason.AWAITING_APPROVAL);
        admin().body("{\"domain\": \"wingtip-pause.example\"}").post("/api/approvals").then().statusCode(200).body("approved", equalTo(6));
        await().atMost(WAIT).until(() -> users.stream().allMatch(u -> initial(u.accountId()).status == Notification.Status.PENDING));
        assertEquals(1.0, gauge("relink_notifier_paused"), "the paused state is a metric");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> mailsTo(users) == 0 && users.stream().allMatch(u -> initial(u.accountId()).status == Notification.Status.PENDING));

        admin().post("/api/campaign/resume").then().statusCode(200).body("paused", equalTo(false));
        await().atMost(WAIT).until(() -> mailsTo(users) == 6);
        assertTrue(users.stream().allMatch(u -> mailsTo(List.of(u)) == 1), "one email each");
        assertEquals(0.0, gauge("relink_notifier_paused"));
    }

    /**
     * Paused while sending (one domain's users go out at its 2 a second): sends stop within the poll interval plus the
     * exchanges in flight, and after the resume every user has exactly one email.
     */
    @Test
    void aPauseTakenMidSendStopsWithinSecondsAndNothingIsLostOrDoubledAfterResume() {
        List<AccountDetected> users = detect("litware-midsend.example", 20);
        awaitHeld(users, Notification.HoldReason.AWAITING_APPROVAL);
        admin().body("{\"domain\": \"litware-midsend.example\"}").post("/api/approvals").then().statusCode(200);
        await().atMost(WAIT).until(() -> mailsTo(users) >= 4);

        admin().body("{}").post("/api/campaign/pause").then().statusCode(200);
        int[] seen = { mailsTo(users) };
        Instant[] lastChange = { Instant.now() };
        Instant paused = Instant.now();
        // Stopped: no new email for three seconds (at 2 a second, sending would have gone on); the last one came within
        // seconds of the pause: a poll interval and the exchanges in flight.
        await().atMost(WAIT).until(() -> {
            int now = mailsTo(users);
            if (now != seen[0]) {
                seen[0] = now;
                lastChange[0] = Instant.now();
            }
            return Duration.between(lastChange[0], Instant.now()).toSeconds() >= 3;
        });
        assertTrue(Duration.between(paused, lastChange[0]).toMillis() <= 5000, "sending stopped " + Duration.between(paused, lastChange[0]));
        assertTrue(seen[0] < users.size(), "paused mid-send: " + seen[0] + " of " + users.size());

        admin().body("{}").post("/api/campaign/resume").then().statusCode(200);
        await().atMost(WAIT).until(() -> mailsTo(users) == users.size());
        assertTrue(users.stream().allMatch(u -> mailsTo(List.of(u)) == 1), "one email each, none lost, none doubled");
    }

    @Test
    void onPremisesDomainsAreHeldUntilIncludedAndAFailedLookupBlocksNobody() {
        sandbox.control("PUT", "/sandbox/tenants", "{\"on_premises\": [\"northwind-onprem.example\"], \"unavailable\": [\"tailspin-flaky.example\"]}");
        List<AccountDetected> online = detect("contoso-online.example", 2);
        List<AccountDetected> onPremises = detect("northwind-onprem.example", 2);
        List<AccountDetected> flaky = detect("tailspin-flaky.example", 1);
        awaitHeld(online, Notification.HoldReason.AWAITING_APPROVAL);
        awaitHeld(onPremises, Notification.HoldReason.AWAITING_APPROVAL);
        awaitHeld(flaky, Notification.HoldReason.AWAITING_APPROVAL);
        admin().body("{\"all\": true}").post("/api/approvals").then().statusCode(200);

        await().atMost(WAIT).until(() -> mailsTo(online) == 2 && mailsTo(flaky) == 1);
        awaitHeld(onPremises, Notification.HoldReason.ON_PREMISES);
        assertEquals(0, mailsTo(onPremises));
        // The registry learns they are not affected, once each, with the reason and the domain.
        try (TopicClient topics = new TopicClient(devstack.kafka().bootstrapServers())) {
            List<String> ids = onPremises.stream().map(AccountDetected::accountId).toList();
            List<AccountNotAffected> notAffected = await().atMost(WAIT).until(() -> topics.readFromBeginning(Topics.NOTIFICATIONS,
                    Integer.MAX_VALUE, Duration.ofSeconds(2)).stream().filter(r -> ids.contains(r.key()))
                    .filter(r -> EventType.ACCOUNT_NOT_AFFECTED.ceType().equals(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE)))
                    .map(r -> EventCodec.read(AccountNotAffected.class, r.value())).toList(), l -> l.size() >= ids.size());
            assertEquals(Set.copyOf(ids), notAffected.stream().map(AccountNotAffected::accountId).collect(java.util.stream.Collectors.toSet()));
            assertEquals(ids.size(), notAffected.size(), "one event per account");
            assertTrue(notAffected.stream().allMatch(e -> e.reason() == AccountNotAffected.Reason.ON_PREMISES
                    && e.domain().equals("northwind-onprem.example")), notAffected.toString());
        }
        JsonPath domains = admin().get("/api/domains").then().statusCode(200).extract().jsonPath();
        assertEquals("EXCHANGE_ONLINE", domains.getString("find { it.domain == 'contoso-online.example' }.classification"));
        assertEquals("ON_PREMISES", domains.getString("find { it.domain == 'northwind-onprem.example' }.classification"));
        assertEquals("UNCLASSIFIED", domains.getString("find { it.domain == 'tailspin-flaky.example' }.classification"));
        assertTrue(domains.getString("find { it.domain == 'tailspin-flaky.example' }.lookupError").contains("503"));
        assertEquals(2, domains.getInt("find { it.domain == 'northwind-onprem.example' }.counts.held"));
        assertEquals(2, domains.getInt("find { it.domain == 'contoso-online.example' }.counts.notified"));

        long lookups = lookups();
        List<AccountDetected> later = detect("contoso-online.example", 1);
        awaitHeld(later, Notification.HoldReason.AWAITING_APPROVAL);
        admin().body("{\"all\": true}").post("/api/approvals").then().statusCode(200);
        await().atMost(WAIT).until(() -> mailsTo(later) == 1);
        assertEquals(lookups, lookups(), "a classified domain is not asked again before its TTL");

        support().body("{\"policy\": \"include\"}").put("/api/domains/northwind-onprem.example/policy").then().statusCode(200)
                .body("policy", equalTo("INCLUDE")).body("policyBy", equalTo("support-team"));
        await().atMost(WAIT).until(() -> mailsTo(onPremises) == 2);
        admin().body("{\"policy\": \"sometimes\"}").put("/api/domains/northwind-onprem.example/policy").then().statusCode(400);
    }

    @Test
    void anExcludedDomainIsNotEmailedAndItsCountsShowIt() {
        admin().body("{\"policy\": \"exclude\"}").put("/api/domains/adventure-excluded.example/policy").then().statusCode(200)
                .body("classification", equalTo(EmailDomain.Classification.PENDING.name()));
        List<AccountDetected> users = detect("adventure-excluded.example", 2);
        awaitHeld(users, Notification.HoldReason.AWAITING_APPROVAL);
        admin().body("{\"all\": true}").post("/api/approvals").then().statusCode(200);
        awaitHeld(users, Notification.HoldReason.EXCLUDED);
        admin().get("/api/domains/adventure-excluded.example").then().statusCode(200).body("counts.detected", equalTo(2))
                .body("counts.approved", equalTo(2)).body("counts.held", equalTo(2)).body("counts.notified", equalTo(0));
        assertEquals(0, mailsTo(users));
        admin().get("/api/domains/nobody-here.example").then().statusCode(404);
    }

    @Test
    void oneDomainNeverGetsMoreThanItsRateWhileOthersGoOnAtTheirs() {
        List<AccountDetected> busy = detect("proseware-busy.example", 24);
        List<AccountDetected> others = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            others.addAll(detect("other-" + i + ".example", 1));
        }
        awaitHeld(busy, Notification.HoldReason.AWAITING_APPROVAL);
        awaitHeld(others, Notification.HoldReason.AWAITING_APPROVAL);
        admin().body("{\"all\": true}").post("/api/approvals").then().statusCode(200);
        await().atMost(WAIT).until(() -> mailsTo(busy) == 24 && mailsTo(others) == 8);

        List<Instant> sent = busy.stream().map(u -> initial(u.accountId()).sentAt).sorted().toList();
        // 120 a minute is 2 a second, with at most one email in the bucket: any 2 s of claims hold at most 5; the times
        // recorded are when each exchange ended, which may bunch up by up to a second of SMTP latency: at most 7.
        for (int i = 0; i + 7 < sent.size(); i++) {
            assertTrue(Duration.between(sent.get(i), sent.get(i + 7)).toMillis() >= 2000,
                    "eight emails to one domain within two seconds: " + sent.subList(i, i + 8));
        }
        assertTrue(Duration.between(sent.get(0), sent.get(sent.size() - 1)).toMillis() >= 9000,
                "24 emails at 2 a second take more than 9 s: " + sent);
        Instant lastOther = others.stream().map(u -> initial(u.accountId()).sentAt).max(Instant::compareTo).orElseThrow();
        assertTrue(lastOther.isBefore(sent.get(sent.size() - 1)), "the other domains did not wait behind the busy one");
    }

    private List<AccountDetected> detect(String domain, int count) {
        List<AccountDetected> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AccountDetected event = TestEvents.detected(domain);
            TestEvents.send(devstack, event, null);
            users.add(event);
        }
        return users;
    }

    private void awaitHeld(List<AccountDetected> users, Notification.HoldReason reason) {
        await().atMost(WAIT).until(() -> users.stream().map(u -> initial(u.accountId())).allMatch(n -> n != null
                && n.status == Notification.Status.HELD && n.heldReason == reason));
    }

    private int mailsTo(List<AccountDetected> users) {
        return users.stream().mapToInt(u -> devstack.mail().messagesTo(u.email()).size()).sum();
    }

    private static Notification initial(String accountId) {
        return QuarkusTransaction.requiringNew().call(() -> Notification.<Notification>find("accountId = ?1 and kind = ?2", accountId,
                Notification.Kind.INITIAL).firstResult());
    }

    private long lookups() {
        return JsonPath.from(sandbox.control("GET", "/sandbox/inspection", null)).getLong("requests.tenant_discovery");
    }

    private static double gauge(String name) {
        return io.relink.devstack.testing.PrometheusText.sum(given().get("/q/metrics").then().extract().asString(), name);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key").contentType(ContentType.JSON);
    }

    private static io.restassured.specification.RequestSpecification support() {
        return given().header("Authorization", "Bearer " + SUPPORT_KEY).contentType(ContentType.JSON);
    }
}
