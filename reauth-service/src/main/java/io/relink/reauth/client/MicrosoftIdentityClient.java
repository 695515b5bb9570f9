package io.relink.reauth.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.relink.reauth.config.MicrosoftConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * Redeems the code of a native sign-in at the Microsoft identity platform, with the Azure app's secret and the PKCE
 * verifier: once, never retried (a code works once). Error messages carry Microsoft's {@code error} and AADSTS code,
 * never the code, the verifier, a token or the secret.
 */
@ApplicationScoped
public class MicrosoftIdentityClient {
    /** A user waits on this call. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a redemption gives: the refresh token (a credential, for Nylas only) and the ID token's claims. */
    public record Redemption(String refreshToken, IdToken idToken) {
        @Override
        public String toString() {
            return "Redemption[" + idToken + "]";
        }
    }

    /** The redemption failed; {@link #codeRefused()} when Microsoft refused the code itself (used, foreign, wrong verifier). */
    public static final class MicrosoftCallException extends RuntimeException {
        private final boolean codeRefused;

        MicrosoftCallException(String message, boolean codeRefused) {
            super(message);
            this.codeRefused = codeRefused;
        }

        public boolean codeRefused() {
            return codeRefused;
        }
    }

    private final MicrosoftConfig config;
    private final MicrosoftTokenApi api;

    public MicrosoftIdentityClient(MicrosoftConfig config) {
        this.config = config;
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.authorityBase()))
                .connectTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(MicrosoftTokenApi.class);
    }

    /** {@code grant_type=authorization_code}: the code for a refresh token and an ID token. */
    public Redemption redeem(String code, String codeVerifier, String redirectUri) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("client_id", config.clientId().orElseThrow());
        form.putSingle("client_secret", config.clientSecret().orElseThrow());
        form.putSingle("grant_type", "authorization_code");
        form.putSingle("code", code);
        form.putSingle("redirect_uri", redirectUri);
        form.putSingle("code_verifier", codeVerifier);
        form.putSingle("scope", config.scopes());
        Map<?, ?> body;
        int status;
        try (Response response = api.token(form)) {
            status = response.getStatus();
            body = JSON.readValue(response.readEntity(byte[].class), Map.class);
        } catch (ProcessingException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new MicrosoftCallException("Microsoft's token endpoint failed: " + cause.getClass().getSimpleName(), false);
        } catch (IOException | RuntimeException e) {
            throw new MicrosoftCallException("Microsoft's token endpoint answered with a body that is not JSON", false);
        }
        if (status != 200) {
            String error = body.get("error") instanceof String s ? s : "no error field";
            String aadsts = body.get("error_codes") instanceof List<?> codes && !codes.isEmpty() ? " AADSTS" + codes.get(0) : "";
            // invalid_grant: the code was used, issued for another app or redirect, or the verifier does not match.
            throw new MicrosoftCallException("Microsoft's token endpoint answered HTTP " + status + " (" + error + aadsts + ")",
                    status == 400 && "invalid_grant".equals(error));
        }
        if (!(body.get("refresh_token") instanceof String refreshToken) || refreshToken.isBlank()) {
            throw new MicrosoftCallException("Microsoft answered no refresh token: the scopes need offline_access", false);
        }
        IdToken idToken;
        try {
            idToken = IdToken.parse(body.get("id_token") instanceof String s ? s : null);
        } catch (IllegalArgumentException e) {
            throw new MicrosoftCallException("Microsoft answered no readable ID token (" + e.getMessage() + "): the scopes need openid", false);
        }
        if (!config.clientId().orElseThrow().equals(idToken.audience())) {
            throw new MicrosoftCallException("Microsoft's ID token was issued to another app", false);
        }
        return new Redemption(refreshToken, idToken);
    }
}
