package io.relink.systemtests;

import io.relink.devstack.RelinkSystem;

/**
 * The journeys of {@link BrowserJourneyTest} with reauth in native mode: the button sends the browser straight to
 * Microsoft's sign-in (the sandbox's stand-in, another origin) with the customer's Azure app, back to reauth's
 * callback, and no Nylas page on the way ({@link RelinkProbe#assertSignInsFollowedTheMode}).
 */
class NativeBrowserJourneyTest extends BrowserJourneyTest {
    @Override
    RelinkSystem.Builder mode(RelinkSystem.Builder builder) {
        return builder.nativeAuth();
    }

    @Override
    String screenshotName(String name) {
        return "native-" + name;
    }
}
