package io.relink.reauth.service;

import static io.relink.reauth.service.HandOver.encode;

import io.relink.nylas.NylasCallException;
import io.relink.nylas.NylasClient;
import io.relink.nylas.NylasConfig;
import io.relink.nylas.TokenGrant;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.model.OAuthState;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Nylas's Hosted Authentication: the browser goes to Nylas's {@code /oauth/authorize} with {@code login_hint}, Nylas
 * sends it on to Microsoft's (or the company's) sign-in, and back to us with a Nylas code that we exchange.
 */
@ApplicationScoped
class HostedSignIn implements SignInMethod {
    private final ReauthConfig config;
    private final NylasConfig nylasConfig;
    private final NylasClient nylas;

    HostedSignIn(ReauthConfig config, NylasConfig nylasConfig, NylasClient nylas) {
        this.config = config;
        this.nylasConfig = nylasConfig;
        this.nylas = nylas;
    }

    /** Refuses a setting that would defeat the purpose of the service. */
    static void checkSettings(ReauthConfig config) {
        // Nylas's "exchange" provider can show its Exchange password form: the account would be connected with a
        // password again, which is what this service exists to end.
        config.reauth().provider().filter(p -> p.trim().equalsIgnoreCase("exchange")).ifPresent(p -> {
            throw new IllegalStateException("relink.reauth.provider=exchange can lead users to a password form; leave it unset "
                    + "(Nylas detects Microsoft 365 from login_hint) or set office365");
        });
    }

    @Override
    public String begin(String state, String email, OAuthState row) {
        StringBuilder url = new StringBuilder(nylasConfig.signInBaseUrl()).append("/oauth/authorize")
                .append("?client_id=").append(encode(nylasConfig.clientId()))
                .append("&redirect_uri=").append(encode(config.callbackUrl()))
                .append("&response_type=code")
                .append("&scopes=").append(encode(config.reauth().scopes()))
                .append("&login_hint=").append(encode(email))
                .append("&state=").append(encode(state))
                // Without it a cancelled or failed sign-in leaves the user on a Nylas error page, never back here.
                .append("&redirect_on_error=true");
        config.reauth().provider().ifPresent(p -> url.append("&provider=").append(encode(p)));
        return url.toString();
    }

    @Override
    public TokenGrant finish(String code, OAuthState claimed) {
        if (claimed.codeVerifier != null) {
            // Started in native mode before the switch to hosted: its code is Microsoft's, which Nylas must not get.
            throw new SignInFailure(HandOver.Refusal.STATE_INVALID, "the sign-in state was started in native mode");
        }
        try {
            return nylas.exchange(code);
        } catch (NylasCallException e) {
            throw new SignInFailure(HandOver.Refusal.NYLAS_FAILED, e.getMessage());
        }
    }
}
