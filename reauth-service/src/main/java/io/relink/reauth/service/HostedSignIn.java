package io.relink.reauth.service;

import static io.relink.reauth.service.HandOver.encode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import io.relink.nylas.NylasCallException;
import io.relink.nylas.NylasClient;
import io.relink.nylas.NylasConfig;
import io.relink.nylas.NylasConfig.Api;
import io.relink.nylas.TokenGrant;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.model.OAuthState;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Nylas's hosted authentication: the browser goes to Nylas with {@code login_hint}, Nylas sends it on to Microsoft's
 * (or the company's) sign-in, and back to us with a Nylas code that we exchange once. v3: {@code /v3/connect/auth}
 * with {@code provider=microsoft} and PKCE, the code exchanged at {@code /v3/connect/token} with its verifier, for a
 * {@code microsoft} grant. v2: {@code /oauth/authorize} and {@code /oauth/token}.
 */
@ApplicationScoped
class HostedSignIn implements SignInMethod {
    private final ReauthConfig config;
    private final NylasConfig nylasConfig;
    private final NylasClient nylas;
    private final TokenCipher cipher;

    HostedSignIn(ReauthConfig config, NylasConfig nylasConfig, NylasClient nylas, TokenCipher cipher) {
        this.config = config;
        this.nylasConfig = nylasConfig;
        this.nylas = nylas;
        this.cipher = cipher;
    }

    /** Refuses a setting that would defeat the purpose of the service, or that the API needs and lacks. */
    static void checkSettings(ReauthConfig config, NylasConfig nylas) {
        if (nylas.api() == Api.V3) {
            // v3 signs in on the one connector that keeps working; another provider would not move anyone off EWS.
            config.reauth().provider().filter(p -> !p.trim().equalsIgnoreCase("microsoft")).ifPresent(p -> {
                throw new IllegalStateException("relink.reauth.provider=" + p + " cannot be used with Nylas v3: users move to the microsoft "
                        + "connector; leave it unset");
            });
            return;
        }
        // Nylas's "exchange" provider can show its Exchange password form: the account would be connected with a
        // password again, which is what this service exists to end.
        config.reauth().provider().filter(p -> p.trim().equalsIgnoreCase("exchange")).ifPresent(p -> {
            throw new IllegalStateException("relink.reauth.provider=exchange can lead users to a password form; leave it unset "
                    + "(Nylas detects Microsoft 365 from login_hint) or set office365");
        });
    }

    @Override
    public String begin(String state, String email, OAuthState row) {
        return nylas.api() == Api.V3 ? beginV3(state, email, row) : beginV2(state, email);
    }

    private String beginV3(String state, String email, OAuthState row) {
        String verifier = HandOver.newVerifier(cipher, row, OAuthState.HOSTED_V3);
        StringBuilder url = new StringBuilder(nylasConfig.signInBaseUrl()).append("/v3/connect/auth")
                .append("?client_id=").append(encode(nylasConfig.clientId()))
                .append("&redirect_uri=").append(encode(config.callbackUrl()))
                .append("&response_type=code")
                .append("&provider=microsoft")
                .append("&login_hint=").append(encode(email))
                .append("&state=").append(encode(state))
                .append("&code_challenge=").append(encode(nylasChallenge(verifier)))
                .append("&code_challenge_method=s256");
        config.reauth().scopes().filter(s -> !s.isBlank()).ifPresent(s -> url.append("&scope=").append(encode(s.trim())));
        return url.toString();
    }

    private String beginV2(String state, String email) {
        StringBuilder url = new StringBuilder(nylasConfig.signInBaseUrl()).append("/oauth/authorize")
                .append("?client_id=").append(encode(nylasConfig.clientId()))
                .append("&redirect_uri=").append(encode(config.callbackUrl()))
                .append("&response_type=code")
                .append("&scopes=").append(encode(config.reauth().scopes().orElseThrow()))
                .append("&login_hint=").append(encode(email))
                .append("&state=").append(encode(state))
                // Without it a cancelled or failed sign-in leaves the user on a Nylas error page, never back here.
                .append("&redirect_on_error=true");
        config.reauth().provider().ifPresent(p -> url.append("&provider=").append(encode(p)));
        return url.toString();
    }

    @Override
    public TokenGrant finish(String code, OAuthState claimed) {
        boolean v3 = nylas.api() == Api.V3;
        // A state started by another method (native mode, or the other API before a switch) has a code Nylas must not get.
        if (v3 ? !OAuthState.HOSTED_V3.equals(claimed.signIn) : claimed.codeVerifier != null) {
            throw new SignInFailure(HandOver.Refusal.STATE_INVALID, "the sign-in state was started by another sign-in method");
        }
        try {
            return v3 ? nylas.exchange(code, config.callbackUrl(), HandOver.verifier(cipher, claimed))
                    : nylas.exchange(code, null, null);
        } catch (NylasCallException e) {
            throw new SignInFailure(HandOver.Refusal.NYLAS_FAILED, e.getMessage());
        }
    }

    /**
     * Nylas's PKCE challenge, as its v3 SDKs compute it (nylas-java 2.x {@code Auth.hashPkceSecret}, nylas-nodejs 7.x
     * {@code hashPKCESecret}): base64, unpadded, of the lowercase hex of the verifier's SHA-256, with method
     * {@code s256}. Not RFC 7636's base64url of the raw digest, which Microsoft's own endpoint takes (native mode).
     */
    static String nylasChallenge(String verifier) {
        String hex = HexFormat.of().formatHex(HandOver.sha256(verifier));
        return Base64.getEncoder().withoutPadding().encodeToString(hex.getBytes(StandardCharsets.US_ASCII));
    }
}
