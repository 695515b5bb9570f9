package io.relink.sandbox;

import static io.relink.sandbox.SandboxClient.ACCOUNTS;
import static io.relink.sandbox.SandboxClient.asApplication;
import static io.relink.sandbox.SandboxClient.faults;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class FaultInjectionTest {
    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    @AfterEach
    void reset() {
        SandboxClient.reset();
    }

    @Test
    void latencyDelaysEveryApiRequestButNotTheSandboxControls() {
        faults("{\"latencyMillis\": 300}");
        long started = System.nanoTime();
        asApplication().get(ACCOUNTS).then().statusCode(200);
        assertTrue((System.nanoTime() - started) / 1_000_000 >= 300);
        given().get("/sandbox/faults").then().body("latencyMillis", equalTo(300));
    }

    @Test
    void everyNthRequestIsRateLimitedWithNylasHeaders() {
        faults("{\"rateLimitEvery\": 3, \"rateLimitResetSeconds\": 2}");
        List<Integer> statuses = statuses(6);
        assertEquals(List.of(200, 200, 429, 200, 200, 429), statuses);
        asApplication().get(ACCOUNTS); // the 7th
        asApplication().get(ACCOUNTS); // the 8th
        asApplication().get(ACCOUNTS).then().statusCode(429)
                .header("X-RateLimit-Limit", equalTo("500")).header("X-RateLimit-Reset", equalTo("2"))
                .body("type", equalTo("api_error"));
    }

    @Test
    void requestsAboveTheRateGet429() {
        faults("{\"maxRequestsPerSecond\": 5}");
        List<Integer> statuses = statuses(30);
        assertTrue(statuses.contains(429), statuses.toString());
        assertTrue(statuses.stream().filter(s -> s == 200).count() >= 5, statuses.toString());
    }

    @Test
    void serverErrorsAndNotReadyComeEveryNthRequest() {
        faults("{\"serverErrorEvery\": 2}");
        List<Integer> statuses = statuses(8);
        assertEquals(List.of(200, 200, 200, 200), List.of(statuses.get(0), statuses.get(2), statuses.get(4), statuses.get(6)));
        assertEquals(Set.of(500, 502, 503, 504), Set.of(statuses.get(1), statuses.get(3), statuses.get(5), statuses.get(7)),
                "every second request fails, with each 5xx in turn: " + statuses);

        faults("{\"acceptedEvery\": 2}");
        asApplication().get(ACCOUNTS).then().statusCode(200);
        asApplication().get(ACCOUNTS).then().statusCode(202);
    }

    @Test
    void droppedConnectionsGiveTheClientNoAnswerAtAll() throws Exception {
        faults("{\"dropConnectionEvery\": 1}");
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(ACCOUNTS.substring(1)))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((SandboxClient.SECRET + ":").getBytes())).build();
        assertThrows(IOException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
        faults("{}");
        assertEquals(200, client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void churnAddsAndDeletesAccountsWhileAClientPages() {
        Set<Object> before = new HashSet<>((List<?>) SandboxClient.groundTruth().get("affected"));
        faults("{\"deleteAccountEvery\": 2, \"addAccountEvery\": 3}");
        List<Map<String, Object>> seen = SandboxClient.allAccounts(100);
        Map<String, Object> inspection = given().get("/sandbox/inspection").then().extract().jsonPath().getMap("$");
        Map<?, ?> requests = (Map<?, ?>) inspection.get("requests");
        assertTrue(((Number) requests.get("churn.deleted")).intValue() >= 10, requests.toString());
        assertTrue(((Number) requests.get("churn.added")).intValue() >= 6, requests.toString());
        assertEquals(((Number) inspection.get("live_accounts")).longValue(),
                2000 - ((Number) requests.get("churn.deleted")).longValue() + ((Number) requests.get("churn.added")).longValue());
        assertTrue(seen.size() < 2000 + 10, "a naive pager does not see the whole picture under churn: " + seen.size());
        Set<Object> after = new HashSet<>((List<?>) SandboxClient.groundTruth().get("affected"));
        assertTrue(!after.containsAll(before), "some affected accounts were deleted");
    }

    @Test
    void badFaultSettingsAreRefusedWithAReason() {
        given().contentType(ContentType.JSON).body("{\"serverErrorEvery\": -1}").put("/sandbox/faults").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"noSuchFault\": 1}").put("/sandbox/faults").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("new_account_id_share", 2)).put("/sandbox/migrations").then().statusCode(400);
    }

    private static List<Integer> statuses(int count) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(asApplication().get(ACCOUNTS).statusCode());
        }
        return statuses;
    }
}
