package io.relink.reauth;

import static io.relink.reauth.SignInFlow.callback;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.relink.devstack.Devstack;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.InjectSandbox;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.TopicClient;
import io.relink.devstack.testing.PrometheusText;
import io.relink.devstack.testing.RecordedSpans;
import io.relink.events.AccountMigrated;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.Topics;
import io.relink.links.LinkTokens;
import io.relink.links.LinkTokens.Purpose;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.service.Retention;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/**
 * The hand-over through the real pages and the sandbox's sign-in, and every way it must refuse: the same suite for
 * both modes ({@link HostedHandOverTest}, {@link NativeHandOverTest}), each of which adds the misuse of its own ends.
 */
abstract class HandOverSuite extends ReauthTestBase {

    @Inject
    InMemorySpanExporter spans;

    @Inject
    Retention retention;

    @Inject
    ReauthConfig config;

    @BeforeEach
    void reset() {
        sandbox.control("POST", "/sandbox/reset", null);
    }

    @Test
    void theHappyPathStoresTheTokenEncryptedPublishesOneEventAndTheLinkThenSaysAlreadyMigrated() throws Exception {
        Map<String, Object> account = affected(0);
        String id = (String) account.get("id");
        String link = links.issue(Purpose.REAUTH, id, (String) account.get("email"));

        given().get("/reauth/" + link).then().statusCode(200).body(containsString("Reconnect " + account.get("email")))
                .header("Referrer-Policy", "no-referrer").header("Content-Security-Policy", containsString("default-src 'none'"));
        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, link, null, "accept");
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
        // Back or reload after the done page replays the callback: a readable page, nothing exchanged or published.
        callback(callback.query(), callback.cookie()).then().statusCode(200).body(containsString("already reconnected"));
        assertEquals(1, awaitMigrated(id, 1).size(), "a replayed callback publishes nothing");
        Map<String, Object> requests = requests();
        assertEquals(1, requests.get("oauth.token-issued"), requests.toString());
        assertEquals(nylasCallsPerSignIn(), requests.get("api-version.2.5"), "the sign-in's Nylas calls pin the API version (the rest is this test's): " + requests);
        assertFalse(tokensOf(id).get(0).get("revoked").equals(true), "the password-era token stays unless revoke-old-tokens is on");
        assertSecretNowhere(issued);
        for (String refreshToken : microsoftRefreshTokens()) {
            assertSecretNowhere(refreshToken);
        }
        given().get("/api/migrations/" + id + "/token").then().statusCode(401);
    }

    /** The link carries the account's trace; the hand-over's spans and AccountMigrated's record continue it. */
    @Test
    void theHandOverAndAccountMigratedContinueTheTraceTheLinkCarries() throws Exception {
        Map<String, Object> account = affected(8);
        String id = (String) account.get("id");
        String traceParent = RecordedSpans.newTraceParent();
        String traceId = RecordedSpans.traceId(traceParent);
        String link = links.issue(Purpose.REAUTH, id, (String) account.get("email"), traceParent);

        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(callback.query(), callback.cookie()).then().statusCode(303);
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            ConsumerRecord<String, byte[]> migrated = await().atMost(Duration.ofSeconds(30)).until(() -> client.readFromBeginning(
                    Topics.MIGRATIONS, Integer.MAX_VALUE, Duration.ofSeconds(2)).stream().filter(r -> id.equals(r.key())).findFirst(),
                    Optional::isPresent).get();
            assertEquals(traceId, RecordedSpans.traceId(migrated.headers()), "AccountMigrated is published in the account's trace");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<SpanData> trace = RecordedSpans.ofTrace(spans, traceId);
            assertTrue(trace.stream().anyMatch(s -> s.getName().equals("hand-over start")), trace.toString());
            SpanData complete = trace.stream().filter(s -> s.getName().equals("hand-over complete")).findFirst().orElseThrow();
            assertFalse(complete.getLinks().isEmpty(), "the account's span links to the browser request's own trace");
        });
    }

    @Test
    void aMigrationToANewAccountIdCancelsAndRevokesTheOldOne() throws Exception {
        sandbox.control("PUT", "/sandbox/migrations", "{\"new_account_id_share\": 1.0}");
        Map<String, Object> account = affected(1);
        String id = (String) account.get("id");
        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, id, (String) account.get("email")), null, "accept");
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
        double wrongAccounts = refusals("WRONG_ACCOUNT");
        double nylasFailures = refusals("NYLAS_FAILED");
        Map<String, Object> account = affected(2);
        String id = (String) account.get("id");
        String email = (String) account.get("email");
        String link = links.issue(Purpose.REAUTH, id, email);

        String tampered = link.substring(0, link.length() - 3) + (link.endsWith("AAA") ? "BBB" : "AAA");
        given().get("/reauth/" + tampered).then().statusCode(400).body(containsString("This link does not work"));
        given().post("/reauth/" + tampered).then().statusCode(400);
        given().get("/reauth/" + links.issue(Purpose.REAUTH, id, email, Instant.now().minusSeconds(5))).then().statusCode(400).body(containsString("expired"));
        given().get("/reauth/not-even-close").then().statusCode(400).body(containsString("does not work"));

        callback("code=whatever&state=never-issued", "no-cookie").then().statusCode(400).body(containsString("cannot be finished"));
        SignInFlow.Callback withoutCookie = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(withoutCookie.query(), null).then().statusCode(400).body(containsString("cannot be finished"));
        SignInFlow.Callback otherBrowser = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(otherBrowser.query(), "someone-elses-cookie").then().statusCode(400);

        SignInFlow.Callback denied = SignInFlow.signIn(sandbox, link, null, "cancel");
        callback(denied.query(), denied.cookie()).then().statusCode(400).body(containsString("not completed")).body(containsString("Start again"));
        SignInFlow.Callback noCode = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(noCode.query().replaceAll("code=[^&]*&?", ""), noCode.cookie()).then().statusCode(400).body(containsString("not completed"));

        String otherEmail = (String) affected(3).get("email");
        SignInFlow.Callback wrongMailbox = SignInFlow.signIn(sandbox, link, otherEmail, "accept");
        callback(wrongMailbox.query(), wrongMailbox.cookie()).then().statusCode(400).body(containsString("different mailbox"));

        SignInFlow.Callback failing = SignInFlow.signIn(sandbox, link, null, "accept");
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
                ResultSet rs = s.executeQuery("SELECT refusal, count(*) FROM reauth_failure WHERE account_id = '" + id + "' GROUP BY refusal")) {
            Map<String, Integer> recorded = new java.util.TreeMap<>();
            while (rs.next()) {
                recorded.put(rs.getString(1), rs.getInt(2));
            }
            assertEquals(Map.of("SIGN_IN_CANCELLED", 2, "WRONG_ACCOUNT", 1, "NYLAS_FAILED", 1), recorded,
                    "the cancelled sign-ins, the wrong mailbox and the failed exchange are recorded for operators, by reason");
        }
        admin().queryParam("accountId", id).get("/api/handovers").then().statusCode(200)
                .body("findAll { it.type == 'REFUSED' }.refusal", org.hamcrest.Matchers.hasItems("SIGN_IN_CANCELLED", "WRONG_ACCOUNT", "NYLAS_FAILED"))
                .body("findAll { it.type == 'STARTED' }.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(4));
        admin().get("/api/handovers/refusals").then().statusCode(200).body("refusal", org.hamcrest.Matchers.hasItem("WRONG_ACCOUNT"));
        assertEquals(wrongAccounts + 1, refusals("WRONG_ACCOUNT"), "operators see the wrong mailbox");
        assertEquals(nylasFailures + 1, refusals("NYLAS_FAILED"), "operators see the failed exchange");
    }

    @Test
    void aSecondDeviceIsRefusedBeforeAnyCodeExchangeWhetherTheFirstHasFinishedOrIsStillExchanging() throws Exception {
        Map<String, Object> account = affected(4);
        String id = (String) account.get("id");
        String link = links.issue(Purpose.REAUTH, id, (String) account.get("email"));
        SignInFlow.Callback laptop = SignInFlow.signIn(sandbox, link, null, "accept");
        SignInFlow.Callback phone = SignInFlow.signIn(sandbox, link, null, "accept");
        SignInFlow.Callback tablet = SignInFlow.signIn(sandbox, link, null, "accept");

        // The phone's callback arrives while the laptop's code exchange is still under way (Nylas answers slowly).
        sandbox.control("PUT", "/sandbox/faults", "{\"latencyMillis\": 3000}");
        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> callback(laptop.query(), laptop.cookie()));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> exchangesUnderWay(id) == 1);
            callback(phone.query(), phone.cookie()).then().statusCode(409).body(containsString("another window"));
        } finally {
            first.get(30, TimeUnit.SECONDS).then().statusCode(303);
            sandbox.control("PUT", "/sandbox/faults", "{}");
        }
        // The tablet's callback arrives after the migration: the page says so, and no code is exchanged.
        callback(tablet.query(), tablet.cookie()).then().statusCode(200).body(containsString("already reconnected"));

        assertEquals(1, requests().get("oauth.token-issued"), "one code exchanged, so no unrecorded token is left at Nylas");
        assertEquals(1, awaitMigrated(id, 1).size());
        assertEquals(2, tokensOf(id).size(), "the account's old token and the one recorded");
    }

    @Test
    void theRedirectToTheDonePageIsBuiltFromThePublicUrlNeverFromTheHostHeader() throws Exception {
        Map<String, Object> account = affected(5);
        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, (String) account.get("id"), (String) account.get("email")), null, "accept");
        Response done = given().redirects().follow(false).cookie("relink_reauth", callback.cookie())
                .header("Host", "evil.example").header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Proto", "http")
                .get("/reauth/callback?" + callback.query());
        done.then().statusCode(303);
        assertEquals("http://localhost:8083/reauth/done", done.header("Location"), "relink.public-url of the test profile");
    }

    @Test
    void theButtonRefusesOtherSitesAndTooManyStartsAndExpiredStatesArePurged() throws Exception {
        Map<String, Object> account = affected(6);
        String id = (String) account.get("id");
        String link = links.issue(Purpose.REAUTH, id, (String) account.get("email"));

        given().redirects().follow(false).header("Sec-Fetch-Site", "cross-site").post("/reauth/" + link)
                .then().statusCode(403).body(containsString("did not come from your reconnect page"));
        given().redirects().follow(false).header("Sec-Fetch-Site", "same-site").post("/reauth/" + link).then().statusCode(403);
        given().redirects().follow(false).header("Origin", "https://evil.example").post("/reauth/" + link).then().statusCode(403);
        assertEquals(0, statesOf(id), "a refused POST creates no state");

        // The allowed starts a minute from our own page, as Chrome sends them: no referrer, so Origin is "null".
        int allowed = config.reauth().startsPerMinute();
        for (int i = 0; i < allowed; i++) {
            given().redirects().follow(false).header("Sec-Fetch-Site", "same-origin").header("Origin", "null").post("/reauth/" + link)
                    .then().statusCode(200);
        }
        given().redirects().follow(false).post("/reauth/" + link).then().statusCode(429).body(containsString("Try again in a minute"));
        assertEquals(allowed, statesOf(id));

        try (Connection c = devstack.database().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE oauth_state SET expires_at = now() - interval '1 second', created_at = now() - interval '11 minutes'"
                    + " WHERE account_id = '" + id + "'");
        }
        retention.purge();
        assertEquals(0, statesOf(id), "expired states are purged");
        given().redirects().follow(false).post("/reauth/" + link).then().statusCode(200);
    }

    @Test
    void linksWithTrailingDotsOrExtraSegmentsGetTheBrokenLinkPage() {
        Map<String, Object> account;
        try {
            account = affected(7);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        String link = links.issue(Purpose.REAUTH, (String) account.get("id"), (String) account.get("email"));
        given().get("/reauth/" + link).then().statusCode(200);
        for (String altered : List.of(link + ".", link + "..", link + ".extra")) {
            given().get("/reauth/" + altered).then().statusCode(400).body(containsString("This link does not work"));
        }
    }

    long statesOf(String accountId) throws Exception {
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM oauth_state WHERE account_id = '" + accountId + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    long exchangesUnderWay(String accountId) throws Exception {
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM oauth_state WHERE exchange_until > now() AND account_id = '" + accountId + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // --- helpers

    /** How many Nylas calls a sign-in makes: the code exchange (hosted), or /connect/authorize and /connect/token (native). */
    abstract int nylasCallsPerSignIn();

    /** How often the hand-over refused for {@code reason}, as operators read it from the metrics. */
    static double refusals(String reason) {
        return PrometheusText.sum(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "relink_reauth_refusals_total{reason=\"" + reason + "\"}");
    }

    /** The n-th affected account of the sandbox, as the scanner would have found it. */
    @SuppressWarnings("unchecked")
    Map<String, Object> affected(int n) throws Exception {
        String id = (String) ((List<Object>) sandboxJson("/sandbox/ground-truth").get("affected")).get(n);
        return SignInFlow.account(sandbox, id);
    }

    /** The token Nylas issued in the hand-over: the account's newest (the first is the one it had before). */
    String issuedToken(String accountId) throws Exception {
        List<Map<String, Object>> forAccount = tokensOf(accountId);
        return (String) forAccount.get(forAccount.size() - 1).get("access_token");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> tokensOf(String accountId) throws Exception {
        Map<String, Object> tokens = (Map<String, Object>) sandboxJson("/sandbox/inspection").get("tokens");
        List<Map<String, Object>> forAccount = (List<Map<String, Object>>) tokens.get(accountId);
        assertNotNull(forAccount, tokens.toString());
        return forAccount;
    }


}
