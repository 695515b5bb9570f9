package io.relink.reauth;

import static io.relink.reauth.SignInFlow.callback;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

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
@WithTestResource(value = SandboxResource.class, initArgs = @ResourceArg(name = "relink.sandbox.accounts", value = "500"))
class HostedHandOverTest extends HandOverSuite {
    @Override
    int nylasCallsPerSignIn() {
        return 1;
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
