package io.relink.reauth;

import static io.relink.reauth.SignInFlow.callback;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.SandboxResource;
import io.relink.events.AccountMigrated;
import io.relink.links.LinkTokens.Purpose;

/**
 * Native (custom) authentication on Nylas v3: the customer's Azure app signs the user in at Microsoft, and
 * {@code POST /v3/connect/custom} turns its refresh token into the mailbox's {@code microsoft} grant. Nylas's answer
 * has no address, so it is read from the grant; the refresh token is nowhere afterwards; there is no access token to
 * hand out, and the token API says so.
 */
@QuarkusTest
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = { @ResourceArg(name = "relink.sandbox.accounts", value = "500"),
        @ResourceArg(name = SandboxResource.NATIVE_AUTH, value = "true") })
class V3NativeHandOverTest extends ReauthTestBase {
    @BeforeEach
    void reset() {
        sandbox.control("POST", "/sandbox/reset", null);
    }

    @Test
    void theRefreshTokenBecomesANewMicrosoftGrantAndIsNowhereAfterwards() throws Exception {
        Map<String, Object> ews = ewsGrant(0);
        String id = (String) ews.get("id");
        SignInFlow.Callback back = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, id, (String) ews.get("email")), null, "accept");
        callback(back.query(), back.cookie()).then().statusCode(303);

        AccountMigrated event = awaitMigrated(id, 1).get(0);
        assertNotEquals(id, event.newAccountId());
        assertEquals("microsoft", event.provider());
        assertEquals("ews", event.previousProvider());
        assertEquals(ews.get("email"), SignInFlow.grant(sandbox, event.newAccountId()).get("email"));
        Map<String, Object> requests = requests();
        assertEquals(1, requests.get("v3.connect.custom"), requests.toString());
        assertNull(requests.get("v3.connect.auth"), "no Nylas page");
        admin().get("/api/migrations/" + id + "/token").then().statusCode(404).body(containsString("no access token"));
        for (String refreshToken : microsoftRefreshTokens()) {
            assertSecretNowhere(refreshToken);
        }
    }

    @Test
    void aDifferentMailboxAtMicrosoftIsRefusedBeforeNylasSeesTheRefreshToken() throws Exception {
        Map<String, Object> ews = ewsGrant(1);
        String id = (String) ews.get("id");
        SignInFlow.Callback back = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, id, (String) ews.get("email")),
                (String) ewsGrant(2).get("email"), "accept");
        callback(back.query(), back.cookie()).then().statusCode(400).body(containsString("different mailbox"));
        assertNull(requests().get("v3.connect.custom"), "Nylas never saw the other mailbox's refresh token");
        admin().get("/api/migrations/" + id).then().statusCode(404);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> ewsGrant(int n) throws Exception {
        return ((List<Map<String, Object>>) sandboxJson("/sandbox/ground-truth?api=v3").get("ews_grants")).get(n);
    }
}
