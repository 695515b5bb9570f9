package io.relink.sandbox;

import static io.relink.sandbox.SandboxClient.ACCOUNTS;
import static io.relink.sandbox.SandboxClient.asApplication;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A sandbox serving the accounts of a JSON file, as a customer would export from their own data. */
@QuarkusTest
@TestProfile(AccountsFileTest.FromFile.class)
class AccountsFileTest {
    public static class FromFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relink.sandbox.accounts-file", "src/test/resources/accounts.json");
        }
    }

    @Test
    void servesTheFilesAccountsInOrderAndFindsThemByIdAndEmail() {
        asApplication().get(ACCOUNTS).then().statusCode(200).body("$", hasSize(3))
                .body("id", contains("acc-eas-1", "acc-ews-2", "acc-gmail-3"));
        asApplication().get(ACCOUNTS + "/acc-ews-2").then().statusCode(200).body("email", equalTo("sam@contoso.example"));
        given().get("/sandbox/ground-truth").then().body("affected", contains("acc-eas-1")).body("unknown", contains("acc-ews-2"));
        given().queryParams(Map.of("client_id", SandboxClient.CLIENT_ID, "redirect_uri", "http://localhost:8083/reauth/callback",
                "response_type", "code", "login_hint", "pat.lee@contoso.example")).redirects().follow(true).get("/oauth/authorize")
                .then().statusCode(200).body(org.hamcrest.Matchers.containsString("Accept"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("No sandbox account")));
    }
}
