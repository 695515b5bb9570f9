package io.relink.reauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectSandbox;
import io.relink.devstack.SandboxProcess;
import io.relink.links.LinkTokens;
import io.relink.links.LinkTokens.Purpose;
import jakarta.inject.Inject;

/** {@code relink.reauth.revoke-old-tokens=true}: a hand-over that keeps the account id revokes every other token. */
@QuarkusTest
@TestProfile(RevokeOldTokensTest.RevokeOldTokens.class)
@WithTestResource(DevstackResource.class)
@WithTestResource(value = io.relink.devstack.SandboxResource.class, initArgs = { @ResourceArg(name = "relink.sandbox.accounts", value = "200"),
        @ResourceArg(name = io.relink.devstack.SandboxResource.NYLAS_API, value = "v2") })
class RevokeOldTokensTest {
    public static class RevokeOldTokens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relink.reauth.revoke-old-tokens", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectSandbox
    SandboxProcess sandbox;

    @Inject
    LinkTokens links;

    @Test
    @SuppressWarnings("unchecked")
    void theOldTokenIsRevokedAndTheNewOneKept() throws Exception {
        String id = (String) ((List<Object>) JSON.readValue(sandbox.control("GET", "/sandbox/ground-truth", null), Map.class).get("affected")).get(0);
        String email = (String) SignInFlow.account(sandbox, id).get("email");
        SignInFlow.Callback callback = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, id, email), null, "accept");
        SignInFlow.callback(callback.query(), callback.cookie()).then().statusCode(303);

        Map<String, Object> inspection = JSON.readValue(sandbox.control("GET", "/sandbox/inspection", null), Map.class);
        List<Map<String, Object>> tokens = (List<Map<String, Object>>) ((Map<String, Object>) inspection.get("tokens")).get(id);
        assertEquals(2, tokens.size(), tokens.toString());
        assertEquals(true, tokens.get(0).get("revoked"), "the token the account had before");
        assertEquals(false, tokens.get(1).get("revoked"), "the new one, kept");
        assertEquals(1, ((Map<String, Object>) inspection.get("requests")).get("accounts.revoke-all-requests"));
    }
}
