package io.relink.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import io.relink.devstack.RelinkSystem;

/**
 * The journeys of {@link BrowserJourneyTest} with reauth in native mode: the button sends the browser straight to
 * Microsoft's sign-in (the sandbox's stand-in, another origin) with the customer's Azure app, back to reauth's
 * callback, and no Nylas page on the way.
 */
class NativeBrowserJourneyTest extends BrowserJourneyTest {
    @Override
    RelinkSystem.Builder mode(RelinkSystem.Builder builder) {
        return builder.nativeAuth();
    }

    @Override
    void assertSignInPath(JsonNode requests) {
        assertEquals(0, requests.path("oauth.authorize").asInt(), "no user saw a Nylas page: " + requests);
        assertTrue(requests.path("connect.authorize").asInt() >= 3, "each user's refresh token went to Nylas's /connect: " + requests);
        assertEquals(requests.path("connect.authorize").asInt(), requests.path("microsoft.token").asInt(), requests.toString());
    }

    @Override
    String screenshotName(String name) {
        return "native-" + name;
    }
}
