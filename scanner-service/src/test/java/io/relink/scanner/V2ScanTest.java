package io.relink.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.SandboxResource;
import io.relink.events.AccountResolved;

/** The scan suite on Nylas v2: {@code GET /a/{client_id}/accounts} with Basic auth, every page pinning the API version. */
@QuarkusTest
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = { @ResourceArg(name = "relink.sandbox.accounts", value = "3000"),
        @ResourceArg(name = SandboxResource.NYLAS_API, value = "v2") })
class V2ScanTest extends ScanSuite {
    @Override
    String api() {
        return "v2";
    }

    @Override
    void assertTheListingWasReadAsTheApiAsks(Map<String, Object> requests) {
        assertEquals(null, requests.get("api-version.none"), "every page pins the Nylas API version: " + requests);
        assertTrue(((Number) requests.get("api-version.2.5")).intValue() > 30, requests.toString());
    }

    /** An account reconnected with OAuth: no longer a password account. */
    @Override
    void retire(String accountId) {
        sandbox.control("PATCH", "/sandbox/accounts/" + accountId, "{\"authentication_type\": \"oauth\"}");
    }

    @Override
    AccountResolved.Reason retiredReason() {
        return AccountResolved.Reason.NOW_OAUTH;
    }
}
