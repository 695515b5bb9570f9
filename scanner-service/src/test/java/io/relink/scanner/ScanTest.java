package io.relink.scanner;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.SandboxResource;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountDetected;
import io.relink.events.AccountResolved;
import io.relink.scanner.model.AccountStatus;
import io.relink.scanner.model.RegisteredAccount;
import io.restassured.RestAssured;

/**
 * The scan suite on Nylas v3 (the default): {@code GET /v3/grants?provider=ews}, oldest first, with the API key. Every
 * ews grant is found, valid or invalid, with its v2 account id where it has one; a grant deleted since is resolved as
 * gone. 15,000 accounts give about 3,000 ews grants: as many pages as the v2 suite reads.
 */
@QuarkusTest
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = { @ResourceArg(name = "relink.sandbox.accounts", value = "15000"),
        @ResourceArg(name = SandboxResource.WEBHOOKS, value = "true") })
class ScanTest extends ScanSuite {
    @Override
    String api() {
        return "v3";
    }

    @Override
    void assertTheListingWasReadAsTheApiAsks(Map<String, Object> requests) {
        assertTrue(((Number) requests.get("v3.grants.list")).intValue() > 30, requests.toString());
        assertNull(requests.get("accounts.list"), "no v2 call: " + requests);
    }

    /** A grant that is deleted (its user reconnected some other way) is no longer listed: gone. */
    @Override
    void retire(String grantId) {
        given().header("Authorization", "Bearer " + SandboxProcess.API_KEY)
                .delete(sandbox.baseUrl() + "/v3/grants/" + grantId).then().statusCode(200);
    }

    @Override
    AccountResolved.Reason retiredReason() {
        return AccountResolved.Reason.GONE;
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachGrantIsRegisteredAndAnnouncedWithItsStatusAndItsV2AccountId() throws Exception {
        QuarkusTransaction.requiringNew().run(() -> RegisteredAccount.deleteAll());
        UUID scan = scanToTheEnd("COMPLETED");
        List<Map<String, Object>> grants = (List<Map<String, Object>>) JSON.readValue(sandbox.control("GET", "/sandbox/ground-truth?api=v3", null),
                Map.class).get("ews_grants");
        Map<String, Object> fromV2 = grants.stream().filter(g -> g.get("account_id") != null).findFirst().orElseThrow();
        Map<String, Object> invalid = grants.stream().filter(g -> "invalid".equals(g.get("grant_status"))).findFirst().orElseThrow();
        RegisteredAccount registered = QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.findById(fromV2.get("id")));
        assertEquals(fromV2.get("account_id"), registered.v2AccountId);
        assertEquals("ews", registered.provider);
        assertEquals("invalid", QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>findById(invalid.get("id")).grantStatus));
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            AccountDetected detected = await().atMost(Duration.ofSeconds(30)).until(
                    () -> eventsOn(client, AccountDetected.class).stream().filter(e -> e.scanId().equals(scan) && e.accountId().equals(fromV2.get("id")))
                            .findFirst().orElse(null), e -> e != null);
            assertEquals(fromV2.get("account_id"), detected.v2AccountId());
            assertEquals(fromV2.get("grant_status"), detected.grantStatus());
            assertNull(detected.billingState());
        }
        admin().get("/api/accounts/" + fromV2.get("id")).then().statusCode(200)
                .body("v2AccountId", equalTo(fromV2.get("account_id"))).body("grantStatus", equalTo(fromV2.get("grant_status")));
        // A campaign begun on v2 ids finds the same person by the v2 id.
        admin().get("/api/accounts/" + fromV2.get("account_id")).then().statusCode(200).body("accountId", equalTo(fromV2.get("id")));
        admin().get("/api/accounts/no-such-account").then().statusCode(404).body("error", equalTo("not_found"));
    }

    // --- Nylas webhooks (v3): faster, never the source of completeness

    /** The sandbox notifies this test's scanner; off again after each test, so the other tests see scans alone. */
    private void registerWebhook(String delivery) {
        sandbox.control("PUT", "/sandbox/webhook", "{\"url\": \"http://localhost:" + RestAssured.port + "/webhooks/nylas\"" + delivery + "}");
    }

    @AfterEach
    void unregisterWebhook() {
        sandbox.control("DELETE", "/sandbox/webhook", null);
    }

    @Test
    void theWebhookAnswersNylassChallengeAndRefusesBadlySignedNotificationsRecordingNothing() throws Exception {
        given().get("/webhooks/nylas?challenge=c-1f2e").then().statusCode(200).body(equalTo("c-1f2e"));
        given().get("/webhooks/nylas").then().statusCode(400);
        String grantId = ewsGrant(5).get("id").toString();
        QuarkusTransaction.requiringNew().run(() -> RegisteredAccount.delete("accountId", grantId));
        String body = "{\"specversion\":\"1.0\",\"type\":\"grant.expired\",\"source\":\"/nylas/system\",\"id\":\"forged-1\","
                + "\"time\":1,\"data\":{\"object\":{\"grant_id\":\"" + grantId + "\",\"provider\":\"ews\"}}}";
        for (String signature : new String[] { null, "00", "not-hex", hmac("another-secret", body) }) {
            var request = given().contentType("application/json").body(body);
            if (signature != null) {
                request.header("X-Nylas-Signature", signature);
            }
            request.post("/webhooks/nylas").then().statusCode(401).body("error", equalTo("bad_signature"));
        }
        // The sandbox signing with the wrong secret: refused the same way.
        registerWebhook(", \"bad_signature\": true");
        sandbox.control("POST", "/sandbox/grants/" + grantId + "/expire", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> sandboxRequests().getOrDefault("webhooks.answered.401", 0) instanceof Number n
                && n.intValue() >= 1);
        admin().get("/api/webhooks").then().statusCode(200).body("size()", equalTo(0));
        assertNull(QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.findById(grantId)), "nothing recorded");
        // A well-signed body that is not a notification: a 400 that says so.
        given().contentType("application/json").header("X-Nylas-Signature", hmac(SandboxProcess.WEBHOOK_SECRET, "{}"))
                .body("{}").post("/webhooks/nylas").then().statusCode(400).body("error", equalTo("malformed_notification"));
    }

    @Test
    void grantExpiredBringsAGrantIntoTheCampaignWithinSecondsWithoutAScan() throws Exception {
        Map<String, Object> ews = ewsGrant(6);
        String grantId = (String) ews.get("id");
        QuarkusTransaction.requiringNew().run(() -> RegisteredAccount.delete("accountId", grantId));
        int scansBefore = admin().get("/api/scans").then().extract().jsonPath().getList("$").size();
        registerWebhook("");
        sandbox.control("POST", "/sandbox/grants/" + grantId + "/expire", null);
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            AccountDetected detected = await().atMost(Duration.ofSeconds(10)).until(
                    () -> eventsOn(client, AccountDetected.class).stream().filter(e -> grantId.equals(e.accountId()) && e.webhookId() != null)
                            .findFirst().orElse(null), e -> e != null);
            assertNull(detected.scanId(), "no scan found it");
            assertEquals("invalid", detected.grantStatus());
            assertEquals(ews.get("account_id"), detected.v2AccountId());
        }
        RegisteredAccount row = QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.findById(grantId));
        assertEquals(AccountStatus.DETECTED, row.status);
        assertEquals(scansBefore, admin().get("/api/scans").then().extract().jsonPath().getList("$").size(), "no scan was started");
        admin().get("/api/webhooks").then().body("find { it.grantId == '" + grantId + "' }.outcome", equalTo("DETECTED"));
    }

    @Test
    void repeatedAndReorderedNotificationsChangeNothingTheGrantAsItIsDecides() throws Exception {
        scanToTheEnd("COMPLETED");
        String grantId = (String) ewsGrant(7).get("id");
        assertEquals(AccountStatus.DETECTED,
                QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>findById(grantId).status));
        // Each notification twice, and the two sent in reverse: grant.deleted arrives before the grant.expired it followed.
        registerWebhook(", \"repeat\": true, \"reorder\": 2");
        sandbox.control("POST", "/sandbox/grants/" + grantId + "/expire", null);
        retire(grantId);
        await().atMost(Duration.ofSeconds(15)).until(() -> admin().get("/api/webhooks").then().extract().jsonPath()
                .getList("findAll { it.grantId == '" + grantId + "' && it.status == 'DONE' }").size() == 2);
        assertTrue(((Number) sandboxRequests().get("webhooks.answered.200")).intValue() >= 4, "four deliveries: " + sandboxRequests());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(1,
                eventsOn(AccountResolved.class).stream().filter(r -> grantId.equals(r.accountId()) && r.webhookId() != null).count()));
        assertTrue(eventsOn(AccountDetected.class).stream().noneMatch(d -> grantId.equals(d.accountId()) && d.webhookId() != null),
                "the late grant.expired read the grant as gone: nothing detected again");
        assertEquals(AccountStatus.RESOLVED,
                QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>findById(grantId).status));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> sandboxRequests() throws Exception {
        return (Map<String, Object>) JSON.readValue(sandbox.control("GET", "/sandbox/inspection", null), Map.class).get("requests");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> ewsGrant(int n) throws Exception {
        return ((List<Map<String, Object>>) JSON.readValue(sandbox.control("GET", "/sandbox/ground-truth?api=v3", null), Map.class).get("ews_grants")).get(n);
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
