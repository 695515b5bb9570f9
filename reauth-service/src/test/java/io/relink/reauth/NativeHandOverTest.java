package io.relink.reauth;

import static io.relink.reauth.SignInFlow.callback;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.SandboxResource;
import io.relink.links.LinkTokens.Purpose;

/**
 * The suite in native mode (the customer's Azure app at the sandbox's Microsoft stand-in, then Nylas's /connect), and
 * the misuse of native mode's own ends: Microsoft's code, its PKCE verifier and the refresh token.
 */
@QuarkusTest
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = { @ResourceArg(name = "relink.sandbox.accounts", value = "500"), @ResourceArg(name = SandboxResource.NYLAS_API, value = "v2"),
        @ResourceArg(name = SandboxResource.NATIVE_AUTH, value = "true") })
class NativeHandOverTest extends HandOverSuite {
    @Override
    int nylasCallsPerSignIn() {
        return 2;
    }

    /** Microsoft's code carried into another sign-in (a code injection): its PKCE check fails, and nothing changes. */
    @Test
    void theCodeOfAnotherSignInFailsMicrosoftsPkceCheck() throws Exception {
        Map<String, Object> account = affected(9);
        String id = (String) account.get("id");
        String link = links.issue(Purpose.REAUTH, id, (String) account.get("email"));
        SignInFlow.Callback victim = SignInFlow.signIn(sandbox, link, null, "accept");
        SignInFlow.Callback attacker = SignInFlow.signIn(sandbox, link, null, "accept");

        callback(withCode(attacker, victim), attacker.cookie()).then().statusCode(400).body(containsString("could not be confirmed"))
                .body(containsString("Start again"));
        assertEquals(1, requests().get("microsoft.pkce-refused"), requests().toString());
        assertNull(requests().get("connect.authorize"), "Nylas was never asked");
        assertChangedNothing(id, "invalid_grant AADSTS501481");
    }

    /**
     * Nylas fails at /connect/authorize after Microsoft redeemed the code: a readable page, nothing stored, and the
     * refresh token kept nowhere. The same code carried into a new sign-in is refused by Microsoft as used; the
     * callback itself, replayed, is refused before that. A fresh sign-in then works.
     */
    @Test
    void aFailedConnectKeepsNoRefreshTokenAndAReplayedMicrosoftCodeIsRefused() throws Exception {
        Map<String, Object> account = affected(10);
        String id = (String) account.get("id");
        String link = links.issue(Purpose.REAUTH, id, (String) account.get("email"));
        SignInFlow.Callback first = SignInFlow.signIn(sandbox, link, null, "accept");
        sandbox.control("PUT", "/sandbox/faults", "{\"serverErrorEvery\": 1}");
        try {
            callback(first.query(), first.cookie()).then().statusCode(502).body(containsString("Nothing was changed"));
        } finally {
            sandbox.control("PUT", "/sandbox/faults", "{}");
        }
        List<String> refreshTokens = microsoftRefreshTokens();
        assertEquals(1, refreshTokens.size(), "Microsoft redeemed the code before Nylas failed");
        assertSecretNowhere(refreshTokens.get(0));
        assertChangedNothing(id, "connect/authorize answered HTTP 5");

        callback(first.query(), first.cookie()).then().statusCode(400).body(containsString("cannot be finished"));
        SignInFlow.Callback second = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(withCode(second, first), second.cookie()).then().statusCode(400).body(containsString("could not be confirmed"));
        assertEquals(1, requests().get("microsoft.code-refused"), requests().toString());

        SignInFlow.Callback retry = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(retry.query(), retry.cookie()).then().statusCode(303);
        assertEquals(1, awaitMigrated(id, 1).size());
        for (String refreshToken : microsoftRefreshTokens()) {
            assertSecretNowhere(refreshToken);
        }
    }

    /** A state without its verifier (one started in hosted mode, before a switch to native) never reaches Microsoft. */
    @Test
    void aStateWithoutItsVerifierIsRefusedBeforeMicrosoftIsAsked() throws Exception {
        Map<String, Object> account = affected(11);
        String id = (String) account.get("id");
        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, id, (String) account.get("email")), null, "accept");
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE oauth_state SET code_verifier = NULL WHERE account_id = '" + id + "'"));
        }
        callback(callback.query(), callback.cookie()).then().statusCode(400).body(containsString("cannot be finished"));
        assertNull(requests().get("microsoft.token"), "no code was sent to Microsoft without its verifier");
        assertChangedNothing(id, "no PKCE verifier");
    }

    /** A different mailbox at Microsoft is refused on the ID token, before Nylas sees the refresh token. */
    @Test
    void aDifferentMailboxIsRefusedBeforeNylasSeesTheRefreshToken() throws Exception {
        Map<String, Object> account = affected(12);
        String id = (String) account.get("id");
        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, id, (String) account.get("email")),
                (String) affected(13).get("email"), "accept");
        callback(callback.query(), callback.cookie()).then().statusCode(400).body(containsString("different mailbox"));
        assertEquals(1, requests().get("microsoft.token"), requests().toString());
        assertNull(requests().get("connect.authorize"), "Nylas never saw the other mailbox's refresh token");
        assertChangedNothing(id, "signed in at Microsoft as a different mailbox");
    }

    /** No token, no event; the one failure recorded for operators says why, with no secret in it. */
    private void assertChangedNothing(String accountId, String reason) throws Exception {
        admin().get("/api/migrations/" + accountId + "/token").then().statusCode(404);
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT reason FROM reauth_failure WHERE account_id = '" + accountId + "' ORDER BY occurred_at DESC LIMIT 1")) {
            assertTrue(rs.next(), "the failure is recorded");
            assertTrue(rs.getString(1).contains(reason), rs.getString(1));
        }
    }
}
