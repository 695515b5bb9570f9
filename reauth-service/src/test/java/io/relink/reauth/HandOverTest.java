package io.relink.reauth;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.Devstack;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.InjectSandbox;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.SandboxResource;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountMigrated;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.Topics;
import io.relink.links.LinkTokens;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/** The hand-over through the real pages and the sandbox's sign-in form, and every way it must refuse. */
@QuarkusTest
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = @ResourceArg(name = "relink.sandbox.accounts", value = "500"))
class HandOverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INPUT = Pattern.compile("<input type=\"(?:hidden|email)\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");
    private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @InjectDevstack
    Devstack devstack;

    @InjectSandbox
    SandboxProcess sandbox;

    @Inject
    LinkTokens links;

    private int next;

    @BeforeEach
    void reset() {
        sandbox.control("POST", "/sandbox/reset", null);
    }

    @Test
    void theHappyPathStoresTheTokenEncryptedPublishesOneEventAndTheLinkThenSaysAlreadyMigrated() throws Exception {
        Map<String, Object> account = affected(0);
        String id = (String) account.get("id");
        String link = links.issue(id, (String) account.get("email"));

        given().get("/reauth/" + link).then().statusCode(200).body(containsString("Reconnect " + account.get("email")))
                .header("Referrer-Policy", "no-referrer").header("Content-Security-Policy", containsString("default-src 'none'"));
        Callback callback = signIn(link, null, "allow");
        Response done = callback(callback.query(), callback.cookie());
        done.then().statusCode(303);
        URI landing = URI.create(done.header("Location"));
        assertEquals("/reauth/done", landing.getPath());
        assertEquals(null, landing.getQuery(), "the success page carries nothing of the callback");
        given().get("/reauth/done").then().statusCode(200).body(containsString("reconnected"));

        String issued = issuedToken(id);
        String fetched = admin().get("/api/migrations/" + id + "/token").then().statusCode(200).extract().path("accessToken");
        assertEquals(issued, fetched);
        List<AccountMigrated> events = awaitMigrated(id, 1);
        assertEquals(id, events.get(0).newAccountId());
        assertFalse(events.get(0).previousAccountCancelled());

        given().get("/reauth/" + link).then().statusCode(200).body(containsString("already reconnected"));
        callback(callback.query(), callback.cookie()).then().statusCode(400).body(containsString("cannot be finished"));
        assertEquals(1, awaitMigrated(id, 1).size(), "a replayed callback publishes nothing");
        assertSecretNowhere(issued);
        given().get("/api/migrations/" + id + "/token").then().statusCode(401);
    }

    @Test
    void aMigrationToANewAccountIdCancelsAndRevokesTheOldOne() throws Exception {
        sandbox.control("PUT", "/sandbox/migrations", "{\"new_account_id_share\": 1.0}");
        Map<String, Object> account = affected(1);
        String id = (String) account.get("id");
        Callback callback = signIn(links.issue(id, (String) account.get("email")), null, "allow");
        callback(callback.query(), callback.cookie()).then().statusCode(303);

        AccountMigrated event = awaitMigrated(id, 1).get(0);
        assertNotEquals(id, event.newAccountId());
        assertTrue(event.previousAccountCancelled());
        Map<String, Object> inspection = sandboxJson("/sandbox/inspection");
        assertTrue(((List<?>) inspection.get("downgraded")).contains(id), inspection.toString());
        assertEquals(1, ((Map<?, ?>) inspection.get("requests")).get("accounts.revoke-all-requests"), "revoke-all was called on the old id");
        admin().get("/api/migrations").then().body("find { it.accountId == '" + id + "' }.newAccountId", equalTo(event.newAccountId()));
    }

    @Test
    void everyMisuseGetsAReadablePageAndNoEvent() throws Exception {
        Map<String, Object> account = affected(2);
        String id = (String) account.get("id");
        String email = (String) account.get("email");
        String link = links.issue(id, email);

        String tampered = link.substring(0, link.length() - 3) + (link.endsWith("AAA") ? "BBB" : "AAA");
        given().get("/reauth/" + tampered).then().statusCode(400).body(containsString("This link does not work"));
        given().post("/reauth/" + tampered).then().statusCode(400);
        given().get("/reauth/" + links.issue(id, email, Instant.now().minusSeconds(5))).then().statusCode(400).body(containsString("expired"));
        given().get("/reauth/not-even-close").then().statusCode(400).body(containsString("does not work"));

        callback("code=whatever&state=never-issued", "no-cookie").then().statusCode(400).body(containsString("cannot be finished"));
        Callback withoutCookie = signIn(link, null, "allow");
        callback(withoutCookie.query(), null).then().statusCode(400).body(containsString("cannot be finished"));
        Callback otherBrowser = signIn(link, null, "allow");
        callback(otherBrowser.query(), "someone-elses-cookie").then().statusCode(400);

        Callback denied = signIn(link, null, "deny");
        callback(denied.query(), denied.cookie()).then().statusCode(400).body(containsString("not completed")).body(containsString("Start again"));
        Callback noCode = signIn(link, null, "allow");
        callback(noCode.query().replaceAll("code=[^&]*&?", ""), noCode.cookie()).then().statusCode(400).body(containsString("not completed"));

        String otherEmail = (String) affected(3).get("email");
        Callback wrongMailbox = signIn(link, otherEmail, "allow");
        callback(wrongMailbox.query(), wrongMailbox.cookie()).then().statusCode(400).body(containsString("different mailbox"));

        Callback failing = signIn(link, null, "allow");
        sandbox.control("PUT", "/sandbox/faults", "{\"serverErrorEvery\": 1}");
        try {
            callback(failing.query(), failing.cookie()).then().statusCode(502).body(containsString("Nothing was changed"));
        } finally {
            sandbox.control("PUT", "/sandbox/faults", "{}");
        }

        admin().get("/api/migrations/" + id + "/token").then().statusCode(404);
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            assertTrue(client.readFromBeginning(Topics.MIGRATIONS, Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                    .noneMatch(r -> id.equals(r.key())), "no AccountMigrated for a refused hand-over");
        }
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM reauth_failure WHERE account_id = '" + id + "'")) {
            rs.next();
            assertEquals(2, rs.getInt(1), "the wrong mailbox and the failed exchange are recorded for operators");
        }
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("relink_reauth_refusals_total{reason=\"WRONG_ACCOUNT\"} 1.0"))
                .body(containsString("relink_reauth_refusals_total{reason=\"NYLAS_FAILED\"} 1.0"));
    }

    // --- helpers

    private record Callback(String query, String cookie) {
    }

    /**
     * Presses the link page's button, follows the redirect to the sandbox's sign-in page, submits its form (as
     * {@code emailOverride} if given) and returns the query of the redirect back to the callback, with the cookie.
     */
    private Callback signIn(String link, String emailOverride, String decision) throws Exception {
        Response start = given().redirects().follow(false).post("/reauth/" + link);
        start.then().statusCode(303).header("Location", startsWith(sandbox.baseUrl() + "/oauth/authorize?"))
                .header("Set-Cookie", containsString("HttpOnly")).header("Set-Cookie", containsString("SameSite=Lax"));
        String cookie = start.getCookie("relink_reauth");
        String page = BROWSER.send(HttpRequest.newBuilder(URI.create(start.header("Location"))).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, String> form = new HashMap<>();
        Matcher m = INPUT.matcher(page);
        while (m.find()) {
            form.put(m.group(1), m.group(2).replace("&amp;", "&"));
        }
        if (emailOverride != null) {
            form.put("email", emailOverride);
        }
        form.put("decision", decision);
        String body = String.join("&", form.entrySet().stream().map(e -> e.getKey() + "=" + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
        HttpResponse<String> back = BROWSER.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/oauth/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, back.statusCode(), back.body());
        URI location = URI.create(back.headers().firstValue("Location").orElseThrow());
        assertEquals("/reauth/callback", location.getPath());
        return new Callback(location.getRawQuery(), cookie);
    }

    private static Response callback(String query, String cookie) {
        var request = given().redirects().follow(false);
        if (cookie != null) {
            request = request.cookie("relink_reauth", cookie);
        }
        return request.get("/reauth/callback?" + query);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    /** The n-th affected account of the sandbox, as the scanner would have found it. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> affected(int n) throws Exception {
        String id = (String) ((List<Object>) sandboxJson("/sandbox/ground-truth").get("affected")).get(n);
        return JSON.readValue(accountJson(id), Map.class);
    }

    private String accountJson(String id) throws Exception {
        HttpResponse<String> r = BROWSER.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/a/" + SandboxProcess.CLIENT_ID + "/accounts/" + id))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((SandboxProcess.CLIENT_SECRET + ":").getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> sandboxJson(String path) throws Exception {
        return JSON.readValue(sandbox.control("GET", path, null), Map.class);
    }

    @SuppressWarnings("unchecked")
    private String issuedToken(String accountId) throws Exception {
        Map<String, Object> tokens = (Map<String, Object>) sandboxJson("/sandbox/inspection").get("tokens");
        List<Map<String, Object>> forAccount = (List<Map<String, Object>>) tokens.get(accountId);
        assertNotNull(forAccount, tokens.toString());
        return (String) forAccount.get(0).get("access_token");
    }

    private List<AccountMigrated> awaitMigrated(String accountId, int count) {
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            return await().atMost(Duration.ofSeconds(30)).until(() -> client.readFromBeginning(Topics.MIGRATIONS, Integer.MAX_VALUE, Duration.ofSeconds(2))
                    .stream().filter(r -> accountId.equals(r.key()))
                    .map(r -> (AccountMigrated) EventCodec.read(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE), r.value())).toList(),
                    e -> e.size() >= count);
        }
    }

    /** The access token is in no log line, no event, and nowhere in the database in clear. */
    private void assertSecretNowhere(String token) throws Exception {
        String log = Files.readString(Path.of("target/reauth-test.log"));
        assertFalse(log.contains(token), "the token is in the log");
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            for (String topic : Topics.all()) {
                assertTrue(client.readFromBeginning(topic, Integer.MAX_VALUE, Duration.ofSeconds(1)).stream()
                        .noneMatch(r -> r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains(token)), "the token is on " + topic);
            }
        }
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement();
                // The token is base64url, safe inside a literal: its bytes in any binary column, its text in any row.
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM migration WHERE position(convert_to('" + token + "', 'UTF8') in token_ciphertext) > 0)"
                        + " + (SELECT count(*) FROM outbox_event WHERE position(convert_to('" + token + "', 'UTF8') in payload) > 0)"
                        + " + (SELECT count(*) FROM (SELECT row_to_json(m)::text t FROM migration m UNION ALL SELECT row_to_json(f)::text FROM reauth_failure f"
                        + " UNION ALL SELECT row_to_json(o)::text FROM oauth_state o) x WHERE position('" + token + "' in t) > 0)")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the token is in the database in clear");
        }
    }
}
