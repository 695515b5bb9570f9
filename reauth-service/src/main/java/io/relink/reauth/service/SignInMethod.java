package io.relink.reauth.service;

import io.relink.nylas.TokenGrant;
import io.relink.reauth.model.OAuthState;

/**
 * How the user signs in, per {@code relink.reauth.mode}: the two ends that differ between hosted and native
 * authentication. Everything around them (the state, the checks, the finish) is {@link HandOver}'s and the same.
 */
interface SignInMethod {
    /**
     * The address that the browser signs in at, for a new state; what the callback will need beyond the state is
     * added to its row (which is not yet stored).
     */
    String begin(String state, String email, OAuthState row);

    /**
     * The callback's code, for the account's new Nylas token. Called once per code; a failure is a
     * {@link SignInFailure}, said for operators without any secret.
     */
    TokenGrant finish(String code, OAuthState claimed);

    /** A sign-in that cannot finish: the page that the user gets, and the reason that operators get. */
    final class SignInFailure extends RuntimeException {
        private final HandOver.Refusal refusal;

        SignInFailure(HandOver.Refusal refusal, String reason) {
            super(reason);
            this.refusal = refusal;
        }

        HandOver.Refusal refusal() {
            return refusal;
        }
    }
}
