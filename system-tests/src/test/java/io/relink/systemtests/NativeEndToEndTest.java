package io.relink.systemtests;

import io.relink.devstack.RelinkSystem;

/**
 * {@link EndToEndTest} with reauth in native mode (Nylas v3): every user signs in at the Microsoft stand-in with the customer's
 * Azure app (PKCE), and reauth connects the account through Nylas's {@code /connect}.
 */
class NativeEndToEndTest extends EndToEndTest {
    @Override
    RelinkSystem.Builder mode(RelinkSystem.Builder builder) {
        return builder.nativeAuth();
    }
}
