package io.relink.reauth;

import static io.relink.reauth.SignInFlow.callback;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.SandboxResource;
import io.relink.links.LinkTokens.Purpose;

/** The suite in hosted mode (the default), and the misuse of hosted mode's own end: the Nylas code in the callback. */
@QuarkusTest
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = { @ResourceArg(name = "relink.sandbox.accounts", value = "500"),
        @ResourceArg(name = SandboxResource.NYLAS_API, value = "v2") })
class HostedHandOverTest extends HandOverSuite {
    @Override
    int nylasCallsPerSignIn() {
        return 1;
    }

    /**
     * With {@code relink.reauth.server-timing} on (as in tests), each answer says how long the service worked and how
     * long it waited on Nylas: the link page waits on nothing, the callback on the code exchange's added latency.
     */
    @Test
    void everyAnswerSaysItsOwnTimeApartFromTheTimeItWaitedOnNylas() throws Exception {
        Map<String, Object> account = affected(20);
        String link = links.issue(Purpose.REAUTH, (String) account.get("id"), (String) account.get("email"));
        assertEquals(0.0, serverTiming(given().get("/reauth/" + link).header("Server-Timing"), "nylas"), "the link page asks Nylas nothing");
        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, link, null, "accept");
        sandbox.control("PUT", "/sandbox/faults", "{\"latencyMillis\": 400}");
        String timing;
        try {
            timing = callback(callback.query(), callback.cookie()).then().statusCode(303).extract().header("Server-Timing");
        } finally {
            sandbox.control("PUT", "/sandbox/faults", "{}");
        }
        double nylas = serverTiming(timing, "nylas");
        double app = serverTiming(timing, "app");
        assertTrue(nylas >= 400, "the exchange waited on the sandbox's 400 ms: " + timing);
        assertTrue(app > 0 && app < 400, "the service's own part excludes Nylas's: " + timing);
    }

    private static double serverTiming(String header, String metric) {
        Matcher m = Pattern.compile("(?:^|,\\s*)" + metric + ";dur=([0-9.]+)").matcher(header == null ? "" : header);
        assertTrue(m.find(), "Server-Timing has " + metric + ": " + header);
        return Double.parseDouble(m.group(1));
    }

    /**
     * A Nylas code that was exchanged once (here in a sign-in as the wrong mailbox, refused after the exchange) and is
     * then carried into another sign-in of the link: Nylas refuses it, the user gets a readable page, nothing changes.
     */
    @Test
    void aReplayedNylasCodeIsRefusedByNylasAndChangesNothing() throws Exception {
        Map<String, Object> account = affected(9);
        String id = (String) account.get("id");
        String link = links.issue(Purpose.REAUTH, id, (String) account.get("email"));
        SignInFlow.Callback wrongMailbox = SignInFlow.signIn(sandbox, link, (String) affected(10).get("email"), "accept");
        callback(wrongMailbox.query(), wrongMailbox.cookie()).then().statusCode(400).body(containsString("different mailbox"));

        SignInFlow.Callback another = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(withCode(another, wrongMailbox), another.cookie()).then().statusCode(502).body(containsString("Nothing was changed"));
        assertEquals(1, requests().get("oauth.code-refused"), "Nylas refused the used code: " + requests());

        admin().get("/api/migrations/" + id + "/token").then().statusCode(404);
        callback(another.query(), another.cookie()).then().statusCode(400).body(containsString("cannot be finished"));
        SignInFlow.Callback retry = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(retry.query(), retry.cookie()).then().statusCode(303);
        assertEquals(1, awaitMigrated(id, 1).size());
    }

    /** A sign-in started in native mode, before a switch to hosted, ends on a readable page: its code never goes to Nylas. */
    @Test
    void aStateStartedInNativeModeIsRefusedBeforeNylasIsAsked() throws Exception {
        Map<String, Object> account = affected(11);
        String id = (String) account.get("id");
        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, id, (String) account.get("email")), null, "accept");
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE oauth_state SET code_verifier = '\\x00' WHERE account_id = '" + id + "'"));
        }
        callback(callback.query(), callback.cookie()).then().statusCode(400).body(containsString("cannot be finished"));
        assertNull(requests().get("api-version.2.5"), "reauth made no Nylas call: " + requests());
        admin().get("/api/migrations/" + id + "/token").then().statusCode(404);
    }
}
