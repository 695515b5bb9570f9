package io.relink.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The v3 API as a v3 client meets it: the API key as bearer, the {@code request_id}/{@code data} envelope and its
 * errors, grants paged by offset newest first unless asked otherwise, hosted OAuth through Microsoft's page with
 * Nylas's own PKCE, custom auth with a refresh token of the connector's Azure app, and deletion for good.
 */
@QuarkusTest
class GrantsApiTest {
    static final String API_KEY = "nylas-sandbox-api-key";
    private static final String CALLBACK = "http://localhost:8083/reauth/callback";
    private static final String VERIFIER = "3e8d5c1a-verifier-of-the-application-0123456789";

    @BeforeEach
    void reset() {
        SandboxClient.reset();
    }

    static RequestSpecification asApplication() {
        return given().header("Authorization", "Bearer " + API_KEY);
    }

    @Test
    void withoutTheApiKeyEveryCallIsRefusedInTheEnvelope() {
        for (RequestSpecification client : List.of(given(), given().header("Authorization", "Bearer wrong"),
                given().auth().preemptive().basic(SandboxClient.SECRET, ""))) {
            client.get("/v3/grants").then().statusCode(401).body("request_id", notNullValue())
                    .body("error.type", equalTo("unauthorized")).body("error.message", notNullValue());
        }
        asApplication().queryParam("limit", 0).get("/v3/grants").then().statusCode(400).body("error.type", equalTo("invalid_request_error"));
        asApplication().queryParam("provider", "exchange").get("/v3/grants").then().statusCode(400);
        asApplication().get("/v3/grants/not-a-grant").then().statusCode(404).body("error.type", equalTo("not_found_error"));
    }

    @Test
    void grantsPageByOffsetNewestFirstByDefaultAndOldestFirstOnRequest() {
        List<Map<String, Object>> oldestFirst = all("ews", "asc");
        List<Map<String, Object>> newestFirst = all("ews", null);
        assertTrue(oldestFirst.size() > 100, "a few hundred ews grants among 2000: " + oldestFirst.size());
        List<Map<String, Object>> reversed = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(reversed);
        assertEquals(oldestFirst, reversed);
        assertEquals(10, asApplication().get("/v3/grants").then().statusCode(200).body("request_id", notNullValue())
                .extract().jsonPath().getList("data").size(), "the default limit is 10");
        long previous = 0;
        Set<String> ids = new HashSet<>();
        int fromV2 = 0;
        for (Map<String, Object> grant : oldestFirst) {
            assertEquals("ews", grant.get("provider"));
            assertTrue(Set.of("valid", "invalid").contains(grant.get("grant_status")), grant.toString());
            long created = ((Number) grant.get("created_at")).longValue();
            assertTrue(created > previous, "oldest first");
            previous = created;
            assertTrue(ids.add((String) grant.get("id")));
            assertTrue(((String) grant.get("id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), grant.toString());
            if (grant.get("account_id") != null) {
                fromV2++;
                SandboxClient.asApplication().get(SandboxClient.ACCOUNTS + "/" + grant.get("account_id")).then().statusCode(200)
                        .body("email", equalTo(grant.get("email")));
            }
        }
        assertTrue(fromV2 > oldestFirst.size() / 2 && fromV2 < oldestFirst.size(), "most, not all, were migrated from v2: " + fromV2);
        assertTrue(oldestFirst.stream().anyMatch(g -> "invalid".equals(g.get("grant_status"))));
    }

    @Test
    void aGrantCreatedDuringAScanShiftsTheNewestFirstListButJoinsTheEndOfTheOldestFirstOne() {
        List<Map<String, Object>> before = page("ews", "asc", 0, 20);
        List<Map<String, Object>> newestBefore = page("ews", null, 0, 20);
        Map<String, Object> ews = before.get(3);
        hostedSignIn((String) ews.get("email"), VERIFIER, VERIFIER); // a new microsoft grant; ews unchanged
        SandboxClient.faults("{\"addAccountEvery\": 1}");
        for (int i = 0; i < 30; i++) {
            page("microsoft", "asc", 0, 1);
        }
        SandboxClient.faults("{}");
        assertEquals(before, page("ews", "asc", 0, 20), "the oldest-first pages stay put");
        assertNotEquals(newestBefore, page("ews", null, 0, 20), "churn shifts the newest-first pages");
    }

    @Test
    void hostedOAuthSendsTheBrowserToMicrosoftAndExchangesTheCodeOnceWithNylasPkce() {
        Map<String, Object> ews = page("ews", "asc", 0, 5).get(1);
        String email = (String) ews.get("email");
        Map<String, Object> token = hostedSignIn(email, VERIFIER, VERIFIER).then().statusCode(200).extract().jsonPath().getMap("$");
        assertEquals(email, token.get("email"));
        assertEquals("microsoft", token.get("provider"));
        String grantId = (String) token.get("grant_id");
        assertNotEquals(ews.get("id"), grantId, "another connector, another grant");
        assertTrue(((String) token.get("access_token")).length() > 30);
        assertEquals(3600, token.get("expires_in"));
        asApplication().get("/v3/grants/" + grantId).then().statusCode(200).body("data.provider", equalTo("microsoft"))
                .body("data.email", equalTo(email)).body("data", not(hasKey("account_id")));
        asApplication().get("/v3/grants/" + ews.get("id")).then().statusCode(200).body("data.provider", equalTo("ews"));

        // Signing in again keeps the microsoft grant.
        assertEquals(grantId, hostedSignIn(email, VERIFIER, VERIFIER).then().statusCode(200).extract().path("grant_id"));
    }

    @Test
    void theExchangeRefusesRfcPkceAWrongVerifierAReplayedCodeAndTheClientSecretOfV2() {
        String email = (String) page("ews", "asc", 0, 5).get(2).get("email");
        String rfcChallenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(VERIFIER));
        String code = signIn(email, rfcChallenge).get("code");
        exchange(code, VERIFIER, API_KEY).then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", containsString("code_verifier")).body("request_id", notNullValue());
        exchange(code, VERIFIER, API_KEY).then().statusCode(400).body("error_description", containsString("used already"));

        String fresh = signIn(email, nylasChallenge(VERIFIER)).get("code");
        exchange(fresh, VERIFIER, SandboxClient.SECRET).then().statusCode(401).body("error", equalTo("invalid_client"));
        exchange(fresh, "another-verifier", API_KEY).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void aCancelledSignInComesBackToTheCallbackWithTheErrorAndTheState() {
        String email = (String) page("ews", "asc", 0, 5).get(0).get("email");
        Map<String, String> back = microsoftDecides(authorize(email, nylasChallenge(VERIFIER)), "cancel");
        assertEquals("access_denied", back.get("error"));
        assertEquals("state-v3", back.get("state"));
        given().redirects().follow(false).queryParams(Map.of("client_id", SandboxClient.CLIENT_ID, "redirect_uri", "https://evil.example/cb",
                "response_type", "code", "provider", "microsoft", "state", "s")).get("/v3/connect/auth").then().statusCode(400)
                .body(containsString("callback URI"));
    }

    @Test
    void customAuthCreatesTheMicrosoftGrantFromARefreshTokenOfTheConnectorsAzureApp() {
        Map<String, Object> ews = page("ews", "asc", 0, 5).get(4);
        String refreshToken = SandboxClient.microsoftRefreshToken((String) ews.get("email"));
        Map<String, Object> data = asApplication().contentType(ContentType.JSON)
                .body(Map.of("provider", "microsoft", "settings", Map.of("refresh_token", refreshToken))).post("/v3/connect/custom")
                .then().statusCode(200).body("request_id", notNullValue()).extract().jsonPath().getMap("data");
        assertEquals("microsoft", data.get("provider"));
        assertFalse(data.containsKey("email"), "Nylas's example answer has no address: read it from the grant");
        asApplication().get("/v3/grants/" + data.get("id")).then().body("data.email", equalTo(ews.get("email")));

        asApplication().contentType(ContentType.JSON).body(Map.of("provider", "microsoft", "settings", Map.of("refresh_token", "M.R3_made-up")))
                .post("/v3/connect/custom").then().statusCode(400).body("error.type", equalTo("provider_error"));
        given().contentType(ContentType.JSON).body(Map.of("provider", "microsoft", "settings", Map.of("refresh_token", refreshToken)))
                .post("/v3/connect/custom").then().statusCode(401);
    }

    @Test
    void aDeletedGrantIsGoneForGoodAndADeleteOfItAgainIs404() {
        Map<String, Object> ews = page("ews", "asc", 0, 5).get(0);
        String id = (String) ews.get("id");
        int before = all("ews", "asc").size();
        asApplication().delete("/v3/grants/" + id).then().statusCode(200).body("request_id", notNullValue());
        asApplication().delete("/v3/grants/" + id).then().statusCode(404).body("error.type", equalTo("not_found_error"));
        asApplication().get("/v3/grants/" + id).then().statusCode(404);
        assertEquals(before - 1, all("ews", "asc").size());
        given().get("/sandbox/inspection").then().body("deleted_grants", hasKey(id));
    }

    @Test
    void faultsReachTheV3ApiInItsEnvelopeButNeverTheSignInPages() {
        SandboxClient.faults("{\"serverErrorEvery\": 1}");
        try {
            asApplication().get("/v3/grants").then().statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(500)).body("error.type", equalTo("api_error"));
            given().redirects().follow(false).queryParams(Map.of("client_id", SandboxClient.CLIENT_ID, "redirect_uri", CALLBACK,
                    "response_type", "code", "provider", "microsoft", "state", "s")).get("/v3/connect/auth").then().statusCode(303);
        } finally {
            SandboxClient.faults("{}");
        }
    }

    static List<Map<String, Object>> page(String provider, String orderBy, int offset, int limit) {
        RequestSpecification request = asApplication().queryParam("offset", offset).queryParam("limit", limit);
        if (provider != null) {
            request.queryParam("provider", provider);
        }
        if (orderBy != null) {
            request.queryParam("order_by", orderBy).queryParam("sort_by", "created_at");
        }
        return request.get("/v3/grants").then().statusCode(200).extract().jsonPath().getList("data");
    }

    static List<Map<String, Object>> all(String provider, String orderBy) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (int offset = 0;; offset += 100) {
            List<Map<String, Object>> page = page(provider, orderBy, offset, 100);
            all.addAll(page);
            if (page.size() < 100) {
                return all;
            }
        }
    }

    /** The whole hosted sign-in, accepted at Microsoft, and the exchange with {@code verifier}. */
    private static Response hostedSignIn(String email, String challengeOf, String verifier) {
        return exchange(signIn(email, nylasChallenge(challengeOf)).get("code"), verifier, API_KEY);
    }

    private static Map<String, String> signIn(String email, String challenge) {
        Map<String, String> back = microsoftDecides(authorize(email, challenge), "accept");
        assertEquals("state-v3", back.get("state"));
        return back;
    }

    /** {@code /v3/connect/auth}: Nylas sends the browser on to Microsoft's sign-in, on another origin. */
    private static URI authorize(String email, String challenge) {
        Response auth = given().redirects().follow(false).queryParams(Map.of("client_id", SandboxClient.CLIENT_ID, "redirect_uri", CALLBACK,
                "response_type", "code", "provider", "microsoft", "login_hint", email, "state", "state-v3", "code_challenge", challenge,
                "code_challenge_method", "s256")).get("/v3/connect/auth");
        auth.then().statusCode(303);
        URI microsoft = URI.create(auth.header("Location"));
        assertEquals("/common/oauth2/v2.0/authorize", microsoft.getPath());
        assertNotEquals(URI.create(io.restassured.RestAssured.baseURI).getHost(), microsoft.getHost(), "Microsoft's page is on another origin than Nylas's");
        return microsoft;
    }

    /** Microsoft's page, Accept or Cancel, back through Nylas's callback to the application's. */
    private static Map<String, String> microsoftDecides(URI microsoft, String decision) {
        String page = given().urlEncodingEnabled(false).get(microsoft.getPath() + "?" + microsoft.getRawQuery()).then().statusCode(200).extract().asString();
        Map<String, String> form = SandboxClient.formFields(page);
        form.put("decision", decision);
        Response toNylas = given().redirects().follow(false).contentType(ContentType.URLENC).formParams(form).post("/common/oauth2/v2.0/authorize");
        toNylas.then().statusCode(303);
        URI nylas = URI.create(toNylas.header("Location"));
        assertEquals("/v3/connect/callback", nylas.getPath());
        Response toApp = given().urlEncodingEnabled(false).redirects().follow(false).get(nylas.getPath() + "?" + nylas.getRawQuery());
        toApp.then().statusCode(303);
        URI app = URI.create(toApp.header("Location"));
        assertEquals(CALLBACK, app.getScheme() + "://" + app.getAuthority() + app.getPath());
        return SandboxClient.query(app);
    }

    private static Response exchange(String code, String verifier, String clientSecret) {
        Map<String, String> body = new HashMap<>(Map.of("client_id", SandboxClient.CLIENT_ID, "client_secret", clientSecret, "grant_type",
                "authorization_code", "code", code, "redirect_uri", CALLBACK, "code_verifier", verifier));
        return given().contentType(ContentType.JSON).body(body).post("/v3/connect/token");
    }

    /** Nylas's PKCE challenge, as nylas-java 2.x computes it: base64 (unpadded) of the hex SHA-256. */
    static String nylasChallenge(String verifier) {
        return Base64.getEncoder().withoutPadding().encodeToString(HexFormat.of().formatHex(sha256(verifier)).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
