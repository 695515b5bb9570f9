package io.relink.reauth.service;

import static io.relink.reauth.service.HandOver.encode;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.relink.nylas.MicrosoftCredentials;
import io.relink.nylas.NylasCallException;
import io.relink.nylas.NylasClient;
import io.relink.nylas.TokenGrant;
import io.relink.reauth.client.MicrosoftIdentityClient;
import io.relink.reauth.client.MicrosoftIdentityClient.MicrosoftCallException;
import io.relink.reauth.client.MicrosoftIdentityClient.Redemption;
import io.relink.reauth.config.MicrosoftConfig;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.model.OAuthState;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Nylas's native (v3: custom) authentication for Microsoft: the browser signs in at the Microsoft identity platform with the
 * customer's own Azure app (PKCE, S256), comes back with Microsoft's code, which we redeem for a refresh token; Nylas's
 * v3's {@code /v3/connect/custom} takes it and creates the {@code microsoft} grant (v2: {@code /connect/authorize} takes
 * it for a code, and {@code /connect/token} gives the account's token). No Nylas page.
 * The refresh token lives only in this call: never stored, logged or published.
 */
@ApplicationScoped
class NativeSignIn implements SignInMethod {
    private final ReauthConfig config;
    private final MicrosoftConfig microsoft;
    private final MicrosoftIdentityClient identity;
    private final NylasClient nylas;
    private final TokenCipher cipher;

    NativeSignIn(ReauthConfig config, MicrosoftConfig microsoft, MicrosoftIdentityClient identity, NylasClient nylas, TokenCipher cipher) {
        this.config = config;
        this.microsoft = microsoft;
        this.identity = identity;
        this.nylas = nylas;
        this.cipher = cipher;
    }

    /** Refuses to start native mode without what it needs, naming each missing or wrong setting. */
    static void checkSettings(MicrosoftConfig microsoft) {
        List<String> problems = new ArrayList<>();
        if (microsoft.clientId().isEmpty()) {
            problems.add("relink.microsoft.client-id (RELINK_MICROSOFT_CLIENT_ID) is not set: the Azure app's Application (client) ID");
        }
        if (microsoft.clientSecret().isEmpty()) {
            problems.add("relink.microsoft.client-secret (RELINK_MICROSOFT_CLIENT_SECRET) is not set: a client secret of the Azure app");
        }
        List<String> scopes = List.of(microsoft.scopes().trim().split("\\s+"));
        if (!scopes.contains("offline_access")) {
            problems.add("relink.microsoft.scopes lacks offline_access: without it Microsoft gives no refresh token for Nylas");
        }
        if (!scopes.contains("openid")) {
            problems.add("relink.microsoft.scopes lacks openid: without it there is no ID token to check the mailbox against the link's");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("relink.reauth.mode=native cannot start: " + String.join("; ", problems));
        }
    }

    @Override
    public String begin(String state, String email, OAuthState row) {
        String verifier = HandOver.newVerifier(cipher, row, OAuthState.NATIVE);
        return microsoft.authorityBase() + "/oauth2/v2.0/authorize"
                + "?client_id=" + encode(microsoft.clientId().orElseThrow())
                + "&response_type=code"
                + "&redirect_uri=" + encode(config.callbackUrl())
                + "&response_mode=query"
                + "&scope=" + encode(microsoft.scopes().trim())
                + "&login_hint=" + encode(email)
                + "&state=" + encode(state)
                + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256";
    }

    @Override
    public TokenGrant finish(String code, OAuthState claimed) {
        if (claimed.codeVerifier == null || OAuthState.HOSTED_V3.equals(claimed.signIn)) {
            // Started in hosted mode before the switch to native: its code is Nylas's, which Microsoft must not get.
            throw new SignInFailure(HandOver.Refusal.STATE_INVALID, "the sign-in state has no PKCE verifier of native mode (started in hosted mode?)");
        }
        Redemption redemption;
        try {
            redemption = identity.redeem(code, HandOver.verifier(cipher, claimed), config.callbackUrl());
        } catch (MicrosoftCallException e) {
            throw new SignInFailure(e.codeRefused() ? HandOver.Refusal.SIGN_IN_NOT_CONFIRMED : HandOver.Refusal.MICROSOFT_FAILED, e.getMessage());
        }
        // Before Nylas sees the credential: a refresh token for another mailbox must not connect anything.
        if (!redemption.idToken().signedInAs(claimed.email)) {
            throw new SignInFailure(HandOver.Refusal.WRONG_ACCOUNT, "signed in at Microsoft as a different mailbox than the link's");
        }
        String name = redemption.idToken().name() == null ? claimed.email : redemption.idToken().name();
        try {
            return nylas.connectMicrosoft(name, claimed.email, config.reauth().scopes().orElse(null), new MicrosoftCredentials(
                    microsoft.clientId().orElseThrow(), microsoft.clientSecret().orElseThrow(), redemption.refreshToken(), config.callbackUrl()));
        } catch (NylasCallException e) {
            throw new SignInFailure(HandOver.Refusal.NYLAS_FAILED, e.getMessage());
        }
    }

    /** PKCE's S256: base64url of the verifier's SHA-256, unpadded. */
    private static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(HandOver.sha256(verifier));
    }
}
