package io.relink.systemtests;

import io.relink.devstack.RelinkSystem;

/**
 * {@link EndToEndTest} with the services on Nylas v2 (accounts, Basic auth, {@code /oauth}): the representative part of
 * the suites that CI also runs for v2, which stays selectable ({@code relink.nylas.api=v2}).
 */
class V2EndToEndTest extends EndToEndTest {
    @Override
    RelinkSystem.Builder mode(RelinkSystem.Builder builder) {
        return builder.nylasV2();
    }
}
