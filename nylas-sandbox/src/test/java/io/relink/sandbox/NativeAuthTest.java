package io.relink.sandbox;

import static io.relink.sandbox.SandboxClient.ACCOUNTS;
import static io.relink.sandbox.SandboxClient.CLIENT_ID;
import static io.relink.sandbox.SandboxClient.SECRET;
import static io.relink.sandbox.SandboxClient.asApplication;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Native authentication as the customer's app meets it: Microsoft's sign-in for the customer's own Azure app with
 * PKCE, the code redeemed at Microsoft's token endpoint for a refresh token and an ID token, then Nylas's
 * {@code /connect/authorize} and {@code /connect/token}. Every code works once; Microsoft checks the verifier.
 */
@QuarkusTest
class NativeAuthTest {
    private static final String REDIRECT = "http://localhost:8083/reauth/callback";
    private static final String AZURE_APP = "customer-azure-app";
    private static final String AZURE_SECRET = "customer-azure-secret";
    private static final String SCOPES = "offline_access https://outlook.office365.com/EAS.AccessAsUser.All openid profile User.Read";
    private static final String VERIFIER = "a-code-verifier-of-the-customers-app-0123456789-abcdefghijklmnop";

    private String accountId;
    private String email;

    @BeforeEach
    void pickAnAffectedAccount() {
        SandboxClient.reset();
        accountId = (String) ((List<?>) SandboxClient.groundTruth().get("affected")).get(1);
        email = asApplication().get(ACCOUNTS + "/" + accountId).then().extract().path("email");
    }

    @Test
    void theCustomersAppSignsInWithPkceAndNylasConnectsTheAccountWithItsRefreshToken() throws Exception {
        Map<String, Object> microsoft = redeem(signIn("accept", challenge(VERIFIER)).get("code"), VERIFIER).then().statusCode(200)
                .header("Cache-Control", "no-store").extract().jsonPath().getMap("$");
        String refreshToken = (String) microsoft.get("refresh_token");
        assertTrue(refreshToken != null && refreshToken.length() > 40, microsoft.toString());
        Map<?, ?> idToken = new ObjectMapper().readValue(Base64.getUrlDecoder().decode(((String) microsoft.get("id_token")).split("\\.")[1]), Map.class);
        assertEquals(email, idToken.get("preferred_username"));
        assertEquals(AZURE_APP, idToken.get("aud"));

        String code = connectAuthorize(refreshToken, email).then().statusCode(200).extract().path("code");
        Map<String, Object> account = connectToken(code).then().statusCode(200).extract().jsonPath().getMap("$");
        assertEquals(accountId, account.get("account_id"));
        assertEquals(email, account.get("email_address"));
        assertEquals("account", account.get("object"));
        assertTrue(((String) account.get("access_token")).length() >= 40);
        asApplication().get(ACCOUNTS + "/" + accountId).then().body("authentication_type", equalTo("oauth"));

        connectToken(code).then().statusCode(403).body("message", equalTo("Invalid code."));
        given().contentType(ContentType.JSON).body(Map.of("client_id", CLIENT_ID, "client_secret", SECRET, "grant_type", "authorization_code",
                "code", code)).post("/oauth/token").then().statusCode(400).body("message", equalTo("Invalid authorization code."));
    }

    @Test
    void microsoftRefusesAWrongOrMissingVerifierAReplayedCodeAndAWrongSecret() throws Exception {
        String code = signIn("accept", challenge(VERIFIER)).get("code");
        redeem(code, "another-verifier-of-the-same-length-0123456789-abcdefghijklmnopq").then().statusCode(400)
                .body("error", equalTo("invalid_grant")).body("error_description", containsString("AADSTS501481"));
        redeem(code, VERIFIER).then().statusCode(400).body("error_description", containsString("AADSTS54005"));

        redeem(signIn("accept", challenge(VERIFIER)).get("code"), null).then().statusCode(400)
                .body("error_description", containsString("AADSTS501481"));
        given().contentType(ContentType.URLENC).formParams("client_id", AZURE_APP, "client_secret", "not-the-secret", "grant_type",
                "authorization_code", "code", signIn("accept", challenge(VERIFIER)).get("code"), "redirect_uri", REDIRECT,
                "code_verifier", VERIFIER).post("/common/oauth2/v2.0/token").then().statusCode(401)
                .body("error", equalTo("invalid_client"));
    }

    @Test
    void nylasRefusesAnUnknownRefreshTokenAnotherMailboxAndWrongAzureCredentials() throws Exception {
        String refreshToken = redeem(signIn("accept", challenge(VERIFIER)).get("code"), VERIFIER).then().statusCode(200)
                .extract().path("refresh_token");
        connectAuthorize("M.R3_made-up", email).then().statusCode(403).body("message", containsString("invalid_grant"));
        connectAuthorize(refreshToken, "someone.else@contoso.example").then().statusCode(403).body("message", containsString("another mailbox"));
        given().contentType(ContentType.JSON).body(Map.of("client_id", CLIENT_ID, "name", "", "email_address", email, "provider", "office365",
                "scopes", "email.read_only", "settings", Map.of("microsoft_client_id", AZURE_APP, "microsoft_client_secret", "wrong",
                        "microsoft_refresh_token", refreshToken, "redirect_uri", REDIRECT)))
                .post("/connect/authorize").then().statusCode(403).body("message", containsString("Microsoft client id or secret"));
        asApplication().get(ACCOUNTS + "/" + accountId).then().body("authentication_type", equalTo("password"));
    }

    @Test
    void aCancelledSignInReturnsMicrosoftsErrorToTheCustomersRedirectUri() {
        Map<String, String> back = signIn("cancel", challenge(VERIFIER));
        assertEquals("access_denied", back.get("error"));
        assertEquals("state-1", back.get("state"));
    }

    /** Microsoft's page for the customer's app, a button pressed, and the redirect to the customer's callback. */
    private Map<String, String> signIn(String decision, String codeChallenge) {
        Map<String, String> query = Map.of("client_id", AZURE_APP, "response_type", "code", "redirect_uri", REDIRECT, "scope", SCOPES,
                "login_hint", email, "state", "state-1", "code_challenge", codeChallenge, "code_challenge_method", "S256");
        String page = given().queryParams(query).get("/common/oauth2/v2.0/authorize").then().statusCode(200)
                .body(containsString(email)).extract().asString();
        Map<String, String> form = SandboxClient.formFields(page);
        form.put("decision", decision);
        Response answer = given().redirects().follow(false).contentType(ContentType.URLENC).formParams(form).post("/common/oauth2/v2.0/authorize");
        answer.then().statusCode(303);
        URI location = URI.create(answer.header("Location"));
        assertEquals(REDIRECT, location.getScheme() + "://" + location.getAuthority() + location.getPath());
        return SandboxClient.query(location);
    }

    private static Response redeem(String code, String verifier) {
        Map<String, String> form = new HashMap<>(Map.of("client_id", AZURE_APP, "client_secret", AZURE_SECRET, "grant_type", "authorization_code",
                "code", code, "redirect_uri", REDIRECT, "scope", SCOPES));
        if (verifier != null) {
            form.put("code_verifier", verifier);
        }
        return given().contentType(ContentType.URLENC).formParams(form).post("/common/oauth2/v2.0/token");
    }

    private static Response connectAuthorize(String refreshToken, String emailAddress) {
        return given().contentType(ContentType.JSON).body(Map.of("client_id", CLIENT_ID, "name", "", "email_address", emailAddress,
                "provider", "office365", "scopes", "email.read_only,calendar", "settings", Map.of("microsoft_client_id", AZURE_APP,
                        "microsoft_client_secret", AZURE_SECRET, "microsoft_refresh_token", refreshToken, "redirect_uri", REDIRECT)))
                .post("/connect/authorize");
    }

    private static Response connectToken(String code) {
        return given().contentType(ContentType.JSON).body(Map.of("client_id", CLIENT_ID, "client_secret", SECRET, "code", code))
                .post("/connect/token");
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
