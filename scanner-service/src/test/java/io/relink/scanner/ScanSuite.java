package io.relink.scanner;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.relink.devstack.Devstack;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.InjectSandbox;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.TopicClient;
import io.relink.devstack.testing.RecordedSpans;
import io.relink.events.AccountDetected;
import io.relink.events.AccountResolved;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.Topics;
import io.relink.scanner.model.AccountStatus;
import io.relink.scanner.model.RegisteredAccount;
import io.relink.scanner.service.ScanService;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/**
 * Scans against the Nylas sandbox, with real Kafka and PostgreSQL: complete, under faults and churn, resumable. The same
 * suite for both APIs ({@link ScanTest} on v3, {@link V2ScanTest} on v2).
 */
abstract class ScanSuite {
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectDevstack
    Devstack devstack;

    @InjectSandbox
    SandboxProcess sandbox;

    @Inject
    ScanService scanService;

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void resetSandbox() {
        sandbox.control("POST", "/sandbox/reset", null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aScanFindsExactlyTheAffectedAccountsAndListsTheUnknownOnes() throws Exception {
        UUID scan = scanToTheEnd("COMPLETED");
        assertSameAccounts(truth("affected"), openAccountsSeenBy(scan));
        assertSameAccounts(truth("unknown"), accountsSeenBy(scan, AccountStatus.UNKNOWN));
        admin().get("/api/scans/" + scan).then().statusCode(200)
                .body("status", equalTo("COMPLETED")).body("affected", equalTo(truth("affected").size()))
                .body("unknown", equalTo(truth("unknown").size())).body("pagesRead", org.hamcrest.Matchers.greaterThan(30));
        assertTheListingWasReadAsTheApiAsks((Map<String, Object>) JSON.readValue(sandbox.control("GET", "/sandbox/inspection", null), Map.class)
                .get("requests"));
    }

    @Test
    void aScanIsCompleteDespite429s5xxAnd202s() throws Exception {
        sandbox.control("PUT", "/sandbox/faults", "{\"rateLimitEvery\": 7, \"rateLimitResetSeconds\": 1, \"serverErrorEvery\": 11, \"acceptedEvery\": 13, \"dropConnectionEvery\": 17}");
        UUID scan = scanToTheEnd("COMPLETED");
        assertSameAccounts(truth("affected"), openAccountsSeenBy(scan));
        int retries = admin().get("/api/scans/" + scan).then().extract().path("retries");
        assertTrue(retries >= 5, "the faults were met and retried: " + retries);
    }

    @Test
    void aScanFindsEveryAccountThatExistedThroughoutWhileAccountsComeAndGo() throws Exception {
        Set<String> before = truth("affected");
        sandbox.control("PUT", "/sandbox/faults", "{\"deleteAccountEvery\": 1, \"addAccountEvery\": 4}");
        UUID scan = scanToTheEnd("COMPLETED");
        sandbox.control("PUT", "/sandbox/faults", "{}");
        Set<String> throughout = new HashSet<>(before);
        throughout.retainAll(truth("affected"));
        Set<String> found = openAccountsSeenBy(scan);
        assertTrue(found.containsAll(throughout), "missed: " + throughout.stream().filter(id -> !found.contains(id)).toList());
    }

    @Test
    void aScanWhosePagesKeepFailingEndsFailedWithTheReasonAndResolvesNothing() throws Exception {
        scanToTheEnd("COMPLETED");
        long open = count(AccountStatus.DETECTED) + count(AccountStatus.NOTIFIED);
        sandbox.control("PUT", "/sandbox/faults", "{\"serverErrorEvery\": 1}");
        UUID scan = scanToTheEnd("FAILED");
        admin().get("/api/scans/" + scan).then()
                .body("failureReason", containsString("could not be read after 5 attempts"))
                .body("failureReason", containsString("HTTP 50"));
        assertEquals(open, count(AccountStatus.DETECTED) + count(AccountStatus.NOTIFIED), "a failed scan resolves no account as gone");
    }

    @Test
    void aScanStoppedHalfwayResumesFromItsCheckpointAndPublishesNoDuplicates() throws Exception {
        sandbox.control("PUT", "/sandbox/faults", "{\"latencyMillis\": 300}");
        UUID scan = startScan();
        long pagesAtStop;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> scanField(scan, "pagesRead") >= 1);
            scanService.stopLocalScans();
            await().atMost(Duration.ofSeconds(30)).until(() -> !scanService.isRunningHere(scan));
            pagesAtStop = scanField(scan, "pagesRead");
            assertEquals("RUNNING", admin().get("/api/scans/" + scan).then().extract().path("status"), "a stopped scan is not finished");
        } finally {
            scanService.resumeLocalScans();
        }
        assertTrue(pagesAtStop < 30, "stopped halfway, at page " + pagesAtStop);
        sandbox.control("PUT", "/sandbox/faults", "{}");

        await().atMost(Duration.ofSeconds(90)).until(() -> "COMPLETED".equals(admin().get("/api/scans/" + scan).then().extract().path("status")));
        assertEquals(1, scanField(scan, "resumed"));
        assertSameAccounts(truth("affected"), openAccountsSeenBy(scan));

        Map<String, Long> detections = detectionsPerAccount(scan);
        List<String> repeated = detections.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertTrue(repeated.isEmpty(), "AccountDetected published twice for " + repeated);
    }

    @Test
    void aPasswordAccountWhoseEmailIsNotOnePlainAddressIsListedAsUnknownWithTheReasonAndNeverAnnounced() throws Exception {
        List<String> affected = List.copyOf(truth("affected"));
        List<String> odd = List.of("Jane Doe <jane@contoso.example>", "jane@contoso.example, sam@contoso.example",
                "jane@contoso.example\r\nBcc: everyone@contoso.example");
        for (int i = 0; i < odd.size(); i++) {
            sandbox.control("PATCH", "/sandbox/accounts/" + affected.get(i), JSON.writeValueAsString(Map.of("email", odd.get(i))));
        }
        // As accounts connected since the last scan: an earlier test's scan may have registered them already.
        List<String> fresh = affected.subList(0, odd.size() + 1);
        QuarkusTransaction.requiringNew().run(() -> RegisteredAccount.delete("accountId in ?1", fresh));
        UUID scan = scanToTheEnd("COMPLETED");
        Set<String> unknown = accountsSeenBy(scan, AccountStatus.UNKNOWN);
        for (int i = 0; i < odd.size(); i++) {
            String id = affected.get(i);
            assertTrue(unknown.contains(id), id + " is listed for operators");
            assertFalse(openAccountsSeenBy(scan).contains(id), id + " is not to be emailed");
            admin().get("/api/accounts?status=UNKNOWN&size=1000").then().statusCode(200)
                    .body("items.find { it.accountId == '" + id + "' }.unknownReason", equalTo("EMAIL_NOT_PLAIN"));
        }
        assertTrue(detectionsPerAccount(scan).keySet().stream().noneMatch(affected.subList(0, odd.size())::contains),
                "no AccountDetected for them");
        RegisteredAccount plain = QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>findById(affected.get(odd.size())));
        assertEquals(AccountStatus.DETECTED, plain.status);
        assertEquals(null, plain.unknownReason);
    }

    @Test
    void aRescanAnnouncesNothingNewButResolvesAnAccountThatNoLongerNeedsIt() throws Exception {
        scanToTheEnd("COMPLETED");
        String switched = truth("affected").iterator().next();
        retire(switched);

        UUID second = scanToTheEnd("COMPLETED");
        admin().get("/api/scans/" + second).then().body("newlyDetected", equalTo(0)).body("resolved", equalTo(1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<AccountResolved> resolved = eventsOn(AccountResolved.class);
            assertTrue(resolved.stream().anyMatch(r -> r.accountId().equals(switched) && r.reason() == retiredReason()
                    && r.scanId().equals(second)), resolved.toString());
        });
        assertTrue(eventsOn(AccountDetected.class).stream().noneMatch(d -> d.scanId().equals(second)),
                "the second scan announced no account again");
        assertEquals(AccountStatus.RESOLVED, QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>findById(switched).status));
    }

    @Test
    void onlyOneScanRunsAtATime() {
        sandbox.control("PUT", "/sandbox/faults", "{\"latencyMillis\": 50}");
        UUID scan = startScan();
        admin().post("/api/scans").then().statusCode(409).body("runningScanId", equalTo(scan.toString()));
        await().atMost(Duration.ofSeconds(90)).until(() -> !"RUNNING".equals(admin().get("/api/scans/" + scan).then().extract().path("status")));
    }

    @Test
    void theRegistryListsAccountsAsJsonOrCsvAndRefusesBadInput() throws Exception {
        scanToTheEnd("COMPLETED");
        admin().queryParam("status", "detected").queryParam("size", 5).get("/api/accounts").then().statusCode(200)
                .body("items.size()", equalTo(5)).body("items[0].status", equalTo("DETECTED"))
                .body("total", equalTo((int) count(AccountStatus.DETECTED)));
        String csv = admin().accept("text/csv").queryParam("status", "DETECTED").get("/api/accounts").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertTrue(lines[0].startsWith("account_id,email,provider,status"));
        assertEquals(count(AccountStatus.DETECTED) + 1, lines.length);
        admin().queryParam("status", "LOST").get("/api/accounts").then().statusCode(400).body("message", containsString("DETECTED"));
        admin().queryParam("size", "9999").get("/api/accounts").then().statusCode(400);
        admin().get("/api/scans/not-a-uuid").then().statusCode(400);
        admin().get("/api/scans/" + UUID.randomUUID()).then().statusCode(404);
        given().post("/api/scans").then().statusCode(401);
        admin().get("/api/summary").then().statusCode(200).body("byStatus.UNKNOWN", equalTo((int) count(AccountStatus.UNKNOWN)));
    }

    // --- what differs between the APIs

    /** {@code v3} or {@code v2}, as the sandbox's ground truth names them. */
    abstract String api();

    /** The listing's requests, as the sandbox counted them, were made as the API asks. */
    abstract void assertTheListingWasReadAsTheApiAsks(Map<String, Object> requests);

    /** The account stops needing a migration, as it does under this API. */
    abstract void retire(String accountId) throws Exception;

    /** Why a rescan resolves a {@link #retire retired} account. */
    abstract AccountResolved.Reason retiredReason();

    // --- helpers

    /**
     * An account's trace begins where the scan stores the page that found it: each AccountDetected record carries the
     * trace of a "scan store pages" span, and the relay's send joins it.
     */
    @Test
    void eachDetectionIsPublishedInTheTraceOfTheStoredPagesThatFoundIt() {
        // Forgotten open accounts are new to the next scan, which detects and announces them again.
        QuarkusTransaction.requiringNew().run(() -> RegisteredAccount.delete("status", AccountStatus.DETECTED));
        UUID scan = scanToTheEnd("COMPLETED");
        long expected = QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.count("detectedScanId", scan));
        assertTrue(expected > 0);
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            List<ConsumerRecord<String, byte[]>> detections = await().atMost(Duration.ofSeconds(30)).until(
                    () -> client.readFromBeginning(Topics.ACCOUNTS, Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                            .filter(r -> EventCodec.read(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE), r.value())
                                    instanceof AccountDetected d && d.scanId().equals(scan)).toList(),
                    r -> r.size() >= expected);
            await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("scan store pages")).map(SpanData::getTraceId).collect(Collectors.toSet()),
                    traces -> detections.stream().map(r -> RecordedSpans.traceId(r.headers())).allMatch(traces::contains));
            String oneTrace = RecordedSpans.traceId(detections.get(0).headers());
            await().atMost(Duration.ofSeconds(30)).until(() -> RecordedSpans.ofTrace(spans, oneTrace).stream()
                    .anyMatch(s -> s.getKind() == SpanKind.PRODUCER));
        }
    }

    @Test
    void theConsolesLookupsFindAccountsByAddressDomainOrIdAndRecordThePersonItActsFor() {
        String person = "Olivia Operator <olivia@contoso.example>";
        UUID scan = UUID.fromString(given().header("Authorization", "Bearer test-console-key").header("Relink-Actor", person)
                .post("/api/scans").then().statusCode(202).body("trigger", equalTo(person)).extract().path("id"));
        await().atMost(Duration.ofSeconds(120)).until(() -> !"RUNNING".equals(admin().get("/api/scans/" + scan).then().extract().path("status")));
        // Only the console's key may name a person: another key cannot pass itself off as one.
        admin().header("Relink-Actor", person).post("/api/scans").then().statusCode(403).body("message", containsString("actor-keys"));
        given().header("Authorization", "Bearer test-console-key").header("Relink-Actor", " ").get("/api/summary").then().statusCode(400);

        Map<String, Object> account = admin().queryParam("status", "DETECTED").queryParam("size", 1).get("/api/accounts").then()
                .statusCode(200).extract().path("items[0]");
        String id = (String) account.get("accountId");
        String email = ((String) account.get("email")).toLowerCase(java.util.Locale.ROOT);
        String domain = email.substring(email.indexOf('@'));
        admin().queryParam("q", id).get("/api/accounts").then().statusCode(200).body("total", equalTo(1)).body("items[0].accountId", equalTo(id));
        List<String> byStart = admin().queryParam("q", email.substring(0, email.indexOf('@')).toUpperCase(java.util.Locale.ROOT))
                .queryParam("size", 1000).get("/api/accounts").then().statusCode(200).extract().path("items.email");
        assertTrue(byStart.stream().anyMatch(e -> e.equalsIgnoreCase(email)), byStart.toString());
        List<String> byDomain = admin().queryParam("q", domain).queryParam("size", 1000).get("/api/accounts").then().statusCode(200)
                .extract().path("items.email");
        assertFalse(byDomain.isEmpty());
        assertTrue(byDomain.stream().allMatch(e -> e.toLowerCase(java.util.Locale.ROOT).endsWith(domain)), byDomain.toString());
        String csv = admin().accept("text/csv").queryParam("q", domain).get("/api/accounts").then().statusCode(200).extract().asString();
        assertEquals(byDomain.size() + 1, csv.split("\r\n").length, "the CSV selects as the JSON listing does: " + csv);
        admin().queryParam("q", "%").get("/api/accounts").then().statusCode(200).body("total", equalTo(0));
        long migrated = count(AccountStatus.MIGRATED);
        List<Integer> daily = admin().get("/api/summary/daily").then().statusCode(200).extract().path("migrated");
        assertTrue(daily.stream().allMatch(n -> n > 0), daily.toString());
        assertTrue(migrated == 0 || !daily.isEmpty(), "days with migrations are listed: " + daily);
    }

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    private static UUID startScan() {
        return UUID.fromString(admin().post("/api/scans").then().statusCode(202).extract().path("id"));
    }

    static UUID scanToTheEnd(String expectedStatus) {
        UUID scan = startScan();
        await().atMost(Duration.ofSeconds(120)).until(() -> !"RUNNING".equals(admin().get("/api/scans/" + scan).then().extract().path("status")));
        admin().get("/api/scans/" + scan).then().body("status", equalTo(expectedStatus));
        return scan;
    }

    private static long scanField(UUID scan, String field) {
        return ((Number) admin().get("/api/scans/" + scan).then().extract().path(field)).longValue();
    }

    @SuppressWarnings("unchecked")
    private Set<String> truth(String kind) throws Exception {
        Map<String, Object> truth = JSON.readValue(sandbox.control("GET", "/sandbox/ground-truth?api=" + api(), null), Map.class);
        return new HashSet<>((List<String>) truth.get(kind));
    }

    /** Equal sets, or a failure that says how the registry holds each account that differs. */
    private static void assertSameAccounts(Set<String> expected, Set<String> actual) {
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new HashSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            String rows = QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>list("accountId in ?1",
                    List.copyOf(missing.isEmpty() ? extra : missing)).stream()
                    .map(a -> a.accountId + "=" + a.status + "/" + a.resolution + "/last scan " + a.lastScanId + "/" + a.authenticationType)
                    .toList().toString());
            throw new AssertionError("missing " + missing + ", extra " + extra + "; registry: " + rows);
        }
    }

    private static Set<String> openAccountsSeenBy(UUID scan) {
        Set<String> open = accountsSeenBy(scan, AccountStatus.DETECTED);
        open.addAll(accountsSeenBy(scan, AccountStatus.NOTIFIED));
        return open;
    }

    private static Set<String> accountsSeenBy(UUID scan, AccountStatus status) {
        return QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>list("lastScanId = ?1 and status = ?2", scan, status)
                .stream().map(a -> a.accountId).collect(Collectors.toCollection(HashSet::new)));
    }

    private static long count(AccountStatus status) {
        return QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.count("status", status));
    }

    /**
     * How many AccountDetected of one scan each account has on the topic, once the outbox has published every
     * detection of that scan the registry holds.
     */
    private Map<String, Long> detectionsPerAccount(UUID scan) {
        long expected = QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.count("detectedScanId", scan));
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            List<AccountDetected> events = await().atMost(Duration.ofSeconds(30)).until(
                    () -> eventsOn(client, AccountDetected.class).stream().filter(e -> e.scanId().equals(scan)).toList(),
                    e -> e.stream().map(AccountDetected::accountId).distinct().count() >= expected);
            return events.stream().collect(Collectors.groupingBy(AccountDetected::accountId, Collectors.counting()));
        }
    }

    <T> List<T> eventsOn(Class<T> type) {
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            return eventsOn(client, type);
        }
    }

    static <T> List<T> eventsOn(TopicClient client, Class<T> type) {
        return client.readFromBeginning(Topics.ACCOUNTS, Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                .map(r -> EventCodec.read(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE), r.value()))
                .filter(type::isInstance).map(type::cast).toList();
    }
}
