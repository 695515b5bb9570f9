package io.relink.systemtests;

import io.relink.devstack.RelinkSystem;

/** The journeys of {@link BrowserJourneyTest} with the services on Nylas v2: hosted authentication through {@code /oauth/authorize}. */
class V2BrowserJourneyTest extends BrowserJourneyTest {
    @Override
    RelinkSystem.Builder mode(RelinkSystem.Builder builder) {
        return builder.nylasV2();
    }

    @Override
    String screenshotName(String name) {
        return "v2-" + name;
    }
}
