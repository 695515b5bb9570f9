package io.relink.sandbox;

import static io.relink.sandbox.SandboxClient.ACCOUNTS;
import static io.relink.sandbox.SandboxClient.CLIENT_ID;
import static io.relink.sandbox.SandboxClient.SECRET;
import static io.relink.sandbox.SandboxClient.asApplication;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class HostedAuthTest {
    private static final String REDIRECT = "http://localhost:8083/reauth/callback";

    private String accountId;
    private String email;

    @BeforeEach
    void pickAnAffectedAccount() {
        SandboxClient.reset();
        accountId = (String) ((List<?>) SandboxClient.groundTruth().get("affected")).get(0);
        email = asApplication().get(ACCOUNTS + "/" + accountId).then().extract().path("email");
    }

    @Test
    void acceptAtMicrosoftGivesASingleUseCodeThatMigratesTheAccount() {
        Map<String, String> redirect = signIn("accept", "opaque-state-123");
        assertEquals("opaque-state-123", redirect.get("state"));

        Map<String, Object> token = given().contentType(ContentType.JSON)
                .body(Map.of("client_id", CLIENT_ID, "client_secret", SECRET, "grant_type", "authorization_code", "code", redirect.get("code")))
                .post("/oauth/token").then().statusCode(200).extract().jsonPath().getMap("$");
        assertEquals(accountId, token.get("account_id"));
        assertEquals(email, token.get("email_address"));
        assertEquals("bearer", token.get("token_type"));
        assertTrue(((String) token.get("access_token")).length() >= 40);
        asApplication().get(ACCOUNTS + "/" + accountId).then().body("authentication_type", equalTo("oauth"));

        exchangeAsForm(redirect.get("code")).then().statusCode(400).body("message", equalTo("Invalid authorization code."));
        // The token the account held since it was connected with its password, then the new one; neither revoked.
        List<Map<String, Object>> tokens = tokensOf(accountId);
        assertEquals(2, tokens.size(), tokens.toString());
        assertEquals(Map.of("access_token", token.get("access_token"), "revoked", false), tokens.get(1));
        assertEquals(false, tokens.get(0).get("revoked"));
        assertTrue(!((List<?>) SandboxClient.groundTruth().get("affected")).contains(accountId), "a migrated account is no longer affected");
    }

    @Test
    void codeExchangeAcceptsAFormBodyToo() {
        exchangeAsForm(signIn("accept", null).get("code")).then().statusCode(200).body("account_id", equalTo(accountId));
    }

    @Test
    void authorizeSendsTheBrowserToMicrosoftsSignInOnAnotherOriginWithTheLoginHint() {
        URI nylas = URI.create(RestAssured.baseURI + ":" + RestAssured.port);
        URI microsoft = URI.create(authorize("s0", true).header("Location"));
        assertNotEquals(nylas.getHost(), microsoft.getHost(), "Microsoft's page is on another host than Nylas's: " + microsoft);
        assertEquals("/common/oauth2/v2.0/authorize", microsoft.getPath());
        Map<String, String> query = SandboxClient.query(microsoft);
        assertEquals(email, query.get("login_hint"));
        assertEquals("code", query.get("response_type"));
        assertTrue(query.get("redirect_uri").endsWith("/oauth/callback"), query.toString());
        assertNotEquals("s0", query.get("state"), "Nylas keeps the application's state to itself");
    }

    @Test
    void cancelAtMicrosoftReturnsAccessDeniedOnlyWhenTheApplicationAskedForRedirectOnError() {
        Map<String, String> redirect = signIn("cancel", "s1");
        assertEquals("access_denied", redirect.get("error"));
        assertEquals("s1", redirect.get("state"));
        assertTrue(!redirect.containsKey("code"));

        // Without redirect_on_error=true the user stays on Nylas's error page and the application never hears back.
        Response staysAtNylas = signInAtMicrosoft(authorize("s2", false), "cancel");
        staysAtNylas.then().statusCode(403).contentType(containsString("text/html")).body(containsString("cancelled"));
        assertEquals(null, staysAtNylas.header("Location"));
    }

    @Test
    void theMicrosoftCodeWorksOnceAndOnlyThroughNylasCallback() {
        URI backAtNylas = returnFromMicrosoft(authorize("s3", true), "accept");
        given().urlEncodingEnabled(false).redirects().follow(false).get(backAtNylas).then().statusCode(303);
        // A replayed return from Microsoft (Back, reload) mints no second code.
        given().urlEncodingEnabled(false).redirects().follow(false).get(backAtNylas).then().statusCode(400).body(containsString("start again"));
    }

    @Test
    void apiRequestsAreCountedByTheNylasApiVersionTheyPin() {
        SandboxClient.reset();
        asApplication().header("Nylas-API-Version", "2.5").get(ACCOUNTS + "?limit=1").then().statusCode(200);
        asApplication().get(ACCOUNTS + "?limit=1").then().statusCode(200);
        Map<String, Object> requests = given().get("/sandbox/inspection").then().extract().jsonPath().getMap("requests");
        assertEquals(1, requests.get("api-version.2.5"));
        assertEquals(1, requests.get("api-version.none"));
    }

    @Test
    void authorizeRefusesUnregisteredRedirectsUnknownClientsAndOtherResponseTypes() {
        authorizePage(Map.of("client_id", CLIENT_ID, "redirect_uri", "https://evil.example/cb", "response_type", "code"))
                .then().statusCode(400).body(containsString("not registered"));
        authorizePage(Map.of("client_id", "someone-else", "redirect_uri", REDIRECT, "response_type", "code")).then().statusCode(400);
        authorizePage(Map.of("client_id", CLIENT_ID, "redirect_uri", REDIRECT, "response_type", "token")).then().statusCode(400);
    }

    @Test
    void tokenExchangeNeedsTheClientSecret() {
        String code = signIn("accept", null).get("code");
        given().contentType(ContentType.URLENC).formParams("client_id", CLIENT_ID, "client_secret", "wrong",
                "grant_type", "authorization_code", "code", code).post("/oauth/token").then().statusCode(401);
    }

    @Test
    void aShareOfMigrationsMovesTheAccountToANewGraphId() {
        given().contentType(ContentType.JSON).body(Map.of("new_account_id_share", 1.0)).put("/sandbox/migrations").then().statusCode(200);
        Map<String, Object> token = exchangeAsForm(signIn("accept", null).get("code")).then().statusCode(200).extract().jsonPath().getMap("$");

        String newId = (String) token.get("account_id");
        assertNotEquals(accountId, newId);
        assertEquals("graph", token.get("provider"));
        assertEquals(email, token.get("email_address"));
        asApplication().get(ACCOUNTS + "/" + newId).then().statusCode(200).body("authentication_type", equalTo("oauth"));
        asApplication().get(ACCOUNTS + "/" + accountId).then().statusCode(200).body("authentication_type", equalTo("password"));
    }

    @Test
    void revokeAllKeepsTheNamedTokenAndRevokesTheRest() {
        String first = (String) exchangeAsForm(signIn("accept", null).get("code")).then().extract().path("access_token");
        String second = (String) exchangeAsForm(signIn("accept", null).get("code")).then().extract().path("access_token");
        asApplication().contentType(ContentType.JSON).body(Map.of("keep_access_token", second))
                .post(ACCOUNTS + "/" + accountId + "/revoke-all").then().statusCode(200);
        Map<String, Object> inspection = given().get("/sandbox/inspection").then().extract().jsonPath().getMap("$");
        assertTrue(((List<?>) inspection.get("revoked")).contains(accountId));
        List<Map<String, Object>> tokens = tokensOf(accountId);
        assertEquals(List.of(Map.of("access_token", first, "revoked", true), Map.of("access_token", second, "revoked", false)),
                tokens.subList(1, 3));
        assertEquals(true, tokens.get(0).get("revoked"), "the password-era token is revoked too");
    }

    /**
     * What a browser does: {@code /oauth/authorize} at Nylas, on to Microsoft's page on another origin, its form with
     * the chosen button, back through Nylas; returns the query of the final redirect to the application, or fails.
     */
    private Map<String, String> signIn(String decision, String state) {
        Response nylas = authorize(state, true);
        URI location = URI.create(signInAtMicrosoft(nylas, decision).header("Location"));
        assertEquals(REDIRECT, location.getScheme() + "://" + location.getAuthority() + location.getPath());
        return SandboxClient.query(location);
    }

    /** {@code GET /oauth/authorize} for the account, with {@code redirect_on_error} or not; not followed. */
    private Response authorize(String state, boolean redirectOnError) {
        Map<String, String> query = new HashMap<>(Map.of("client_id", CLIENT_ID, "redirect_uri", REDIRECT, "response_type", "code",
                "scopes", "email.read_only,calendar", "login_hint", email));
        if (state != null) {
            query.put("state", state);
        }
        if (redirectOnError) {
            query.put("redirect_on_error", "true");
        }
        Response answer = authorizePage(query);
        answer.then().statusCode(303);
        return answer;
    }

    /** Follows Nylas's redirect to Microsoft's page, presses a button there and follows Microsoft's redirect back to Nylas. */
    private Response signInAtMicrosoft(Response nylas, String decision) {
        return given().urlEncodingEnabled(false).redirects().follow(false).get(returnFromMicrosoft(nylas, decision));
    }

    /** Microsoft's redirect back to Nylas, not followed. */
    private URI returnFromMicrosoft(Response nylas, String decision) {
        URI microsoft = URI.create(nylas.header("Location"));
        String page = given().urlEncodingEnabled(false).redirects().follow(false).get(microsoft).then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString(email)).body(containsString("Accept")).body(containsString("Cancel")).extract().asString();
        Map<String, String> form = SandboxClient.formFields(page);
        form.put("decision", decision);
        Response answer = given().urlEncodingEnabled(false).redirects().follow(false).contentType(ContentType.URLENC).formParams(form).post(microsoft);
        answer.then().statusCode(303);
        URI backAtNylas = URI.create(answer.header("Location"));
        assertEquals("/oauth/callback", backAtNylas.getPath());
        return backAtNylas;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tokensOf(String accountId) {
        Map<String, Object> tokens = given().get("/sandbox/inspection").then().extract().jsonPath().getMap("tokens");
        return (List<Map<String, Object>>) tokens.get(accountId);
    }

    private static Response authorizePage(Map<String, String> query) {
        return given().redirects().follow(false).queryParams(query).get("/oauth/authorize");
    }

    private static Response exchangeAsForm(String code) {
        return given().contentType(ContentType.URLENC).formParams("client_id", CLIENT_ID, "client_secret", SECRET,
                "grant_type", "authorization_code", "code", code).post("/oauth/token");
    }
}
