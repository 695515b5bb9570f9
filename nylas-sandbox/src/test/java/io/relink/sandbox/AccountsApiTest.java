package io.relink.sandbox;

import static io.relink.sandbox.SandboxClient.ACCOUNTS;
import static io.relink.sandbox.SandboxClient.allAccounts;
import static io.relink.sandbox.SandboxClient.asApplication;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AccountsApiTest {

    @BeforeEach
    void reset() {
        SandboxClient.reset();
    }

    @Test
    void listingNeedsTheClientSecretAsBasicUser() {
        given().get(ACCOUNTS).then().statusCode(401).body("type", equalTo("invalid_request_error"));
        given().auth().preemptive().basic("wrong", "").get(ACCOUNTS).then().statusCode(401);
        given().auth().preemptive().basic(SandboxClient.SECRET, "").get("/a/other-client/accounts").then().statusCode(401);
    }

    @Test
    void pagesAreBareArraysOfAHundredByDefaultAndEndShort() {
        asApplication().get(ACCOUNTS).then().statusCode(200).body("$", hasSize(100));
        asApplication().queryParam("offset", 1950).queryParam("limit", 100).get(ACCOUNTS).then().body("$", hasSize(50));
        asApplication().queryParam("offset", 2000).get(ACCOUNTS).then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void pagingVisitsEveryAccountOnceInAStableOrder() {
        List<Map<String, Object>> byFifty = allAccounts(50);
        List<Map<String, Object>> byHundred = allAccounts(100);
        assertEquals(2000, byFifty.size());
        assertEquals(ids(byFifty), ids(byHundred));
        assertEquals(2000, new HashSet<>(ids(byFifty)).size(), "ids are unique");
        byFifty.forEach(a -> assertEquals(a.get("id"), a.get("account_id")));
    }

    @Test
    void accountsShowTheMixAScannerMustHandle() {
        List<Map<String, Object>> all = allAccounts(100);
        Set<Object> providers = all.stream().map(a -> a.get("provider")).collect(Collectors.toSet());
        assertTrue(providers.containsAll(Set.of("eas", "ews", "exchange", "graph", "office365", "gmail", "imap")), providers.toString());
        Set<Object> syncStates = all.stream().map(a -> a.get("sync_state")).collect(Collectors.toSet());
        assertTrue(syncStates.containsAll(Set.of("invalid-credentials", "invalid_credentials", "sync-error", "sync_error", "running")));
        assertTrue(all.stream().anyMatch(a -> !a.containsKey("authentication_type")), "some accounts predate authentication_type");
        assertTrue(all.stream().anyMatch(a -> a.containsKey("namespace_id")), "some carry older fields");
        Set<Object> billing = all.stream().map(a -> a.get("billing_state")).collect(Collectors.toSet());
        assertEquals(Set.of("paid", "cancelled", "deleted"), billing);
    }

    @Test
    void groundTruthIsExactlyTheActivePasswordExchangeAccounts() {
        List<Map<String, Object>> all = allAccounts(100);
        Set<Object> expected = all.stream()
                .filter(a -> Set.of("eas", "ews").contains(a.get("provider")))
                .filter(a -> "password".equals(a.get("authentication_type")))
                .filter(a -> "paid".equals(a.get("billing_state")))
                .map(a -> a.get("id")).collect(Collectors.toSet());
        Map<String, Object> truth = SandboxClient.groundTruth();
        assertEquals(expected, new HashSet<>((List<?>) truth.get("affected")));
        assertTrue(expected.size() > 100, "a 2000-account sandbox has a few hundred affected accounts");
        assertTrue(!((List<?>) truth.get("unknown")).isEmpty());
    }

    @Test
    void tooLargeOrMalformedPagingIsA400InNylasForm() {
        asApplication().queryParam("limit", 501).get(ACCOUNTS).then().statusCode(400)
                .body("type", equalTo("invalid_request_error")).body("message", equalTo("limit must be between 1 and 500."));
        asApplication().queryParam("offset", "ten").get(ACCOUNTS).then().statusCode(400);
        asApplication().queryParam("offset", -1).get(ACCOUNTS).then().statusCode(400);
    }

    @Test
    void oneAccountByIdAnd404ForUnknownIds() {
        Map<String, Object> first = allAccounts(100).get(0);
        asApplication().get(ACCOUNTS + "/" + first.get("id")).then().statusCode(200).body("email", equalTo(first.get("email")));
        asApplication().get(ACCOUNTS + "/0000000000000000000000000").then().statusCode(404);
        asApplication().get(ACCOUNTS + "/not-an-id").then().statusCode(404);
    }

    private static List<Object> ids(List<Map<String, Object>> accounts) {
        return accounts.stream().map(a -> a.get("id")).toList();
    }
}
