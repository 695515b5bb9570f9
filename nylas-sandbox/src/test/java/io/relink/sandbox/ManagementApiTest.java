package io.relink.sandbox;

import static io.relink.sandbox.SandboxClient.ACCOUNTS;
import static io.relink.sandbox.SandboxClient.allAccounts;
import static io.relink.sandbox.SandboxClient.asApplication;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ManagementApiTest {
    private String id;

    @BeforeEach
    void pickAnAccount() {
        SandboxClient.reset();
        id = (String) allAccounts(100).stream().filter(a -> "paid".equals(a.get("billing_state"))).findFirst().orElseThrow().get("id");
    }

    @Test
    void downgradeCancelsAndUpgradeRestores() {
        asApplication().post(ACCOUNTS + "/" + id + "/downgrade").then().statusCode(200).body("success", equalTo("true"));
        asApplication().get(ACCOUNTS + "/" + id).then().body("billing_state", equalTo("cancelled"));
        given().get("/sandbox/inspection").then().body("downgraded", hasItem(id));
        asApplication().post(ACCOUNTS + "/" + id + "/upgrade").then().statusCode(200);
        asApplication().get(ACCOUNTS + "/" + id).then().body("billing_state", equalTo("paid"));
    }

    @Test
    void revokeAllWithoutTokensIsNylas404() {
        asApplication().post(ACCOUNTS + "/" + id + "/revoke-all").then().statusCode(404)
                .body("message", equalTo("No tokens found for that account id")).body("type", equalTo("api_error"));
        asApplication().contentType(ContentType.JSON).body("{not json").post(ACCOUNTS + "/" + id + "/revoke-all").then().statusCode(400);
    }

    @Test
    void deletedAccountLeavesTheListingAndShiftsOffsets() {
        String second = (String) allAccounts(100).get(1).get("id");
        String first = (String) allAccounts(100).get(0).get("id");
        asApplication().delete(ACCOUNTS + "/" + first).then().statusCode(200);
        asApplication().get(ACCOUNTS + "/" + first).then().statusCode(404);
        asApplication().delete(ACCOUNTS + "/" + first).then().statusCode(404);
        asApplication().queryParam("limit", 1).get(ACCOUNTS).then().body("[0].id", equalTo(second));
        assertEquals(1999, allAccounts(100).size());
        assertFalse(allAccounts(100).stream().anyMatch(a -> first.equals(a.get("id"))));
    }

    @Test
    void sandboxCanSwitchAnAccountToOAuth() {
        given().contentType(ContentType.JSON).body(Map.of("authentication_type", "oauth")).patch("/sandbox/accounts/" + id)
                .then().statusCode(200).body("authentication_type", equalTo("oauth"));
        asApplication().get(ACCOUNTS + "/" + id).then().body("authentication_type", equalTo("oauth"));
    }

    @Test
    void managementNeedsTheApplicationsCredentials() {
        given().post(ACCOUNTS + "/" + id + "/downgrade").then().statusCode(401);
        given().delete(ACCOUNTS + "/" + id).then().statusCode(401);
    }
}
