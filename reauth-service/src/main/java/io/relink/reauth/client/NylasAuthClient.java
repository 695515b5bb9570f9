package io.relink.reauth.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.reauth.config.ReauthConfig;
import jakarta.enterprise.context.ApplicationScoped;

/** The Nylas calls of the hand-over: the code exchange (exactly once, never retried), downgrade and revoke-all. */
@ApplicationScoped
public class NylasAuthClient {
    /** The token exchange's answer. The access token is a long-lived secret: never logged, never published. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TokenGrant(@JsonProperty("access_token") String accessToken, @JsonProperty("account_id") String accountId,
            @JsonProperty("email_address") String emailAddress, String provider) {
        @Override
        public String toString() {
            return "TokenGrant[accountId=" + accountId + ", provider=" + provider + "]";
        }
    }

    /** Nylas answered with an error or did not answer; the message never carries the code or a token. */
    public static final class NylasCallException extends RuntimeException {
        public NylasCallException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ReauthConfig.Nylas nylas;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public NylasAuthClient(ReauthConfig config) {
        this.nylas = config.nylas();
    }

    public TokenGrant exchange(String code) {
        String body = json(Map.of("client_id", nylas.clientId(), "client_secret", nylas.clientSecret(),
                "grant_type", "authorization_code", "code", code));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/oauth/token"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), "token exchange");
        if (response.statusCode() != 200) {
            throw new NylasCallException("token exchange answered HTTP " + response.statusCode());
        }
        try {
            TokenGrant grant = JSON.readValue(response.body(), TokenGrant.class);
            if (grant.accessToken() == null || grant.accountId() == null) {
                throw new NylasCallException("token exchange answered without access_token or account_id");
            }
            return grant;
        } catch (IOException e) {
            throw new NylasCallException("token exchange answered with a body that is not a token grant");
        }
    }

    public void downgrade(String accountId) {
        expectOk(send(application("/accounts/" + accountId + "/downgrade").POST(HttpRequest.BodyPublishers.noBody()), "downgrade"), "downgrade");
    }

    /** Revokes every token of the account but {@code keep}; an account without tokens is fine (Nylas's 404). */
    public void revokeAllExcept(String accountId, String keep) {
        HttpResponse<String> response = send(application("/accounts/" + accountId + "/revoke-all")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("keep_access_token", keep)))), "revoke-all");
        if (response.statusCode() != 404) {
            expectOk(response, "revoke-all");
        }
    }

    private HttpRequest.Builder application(String path) {
        return HttpRequest.newBuilder(uri("/a/" + nylas.clientId() + path)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((nylas.clientSecret() + ":").getBytes(StandardCharsets.UTF_8)));
    }

    /** Every call asks for JSON and pins the API version, as the v2 SDKs do. */
    private HttpResponse<String> send(HttpRequest.Builder request, String what) {
        request.header("Accept", "application/json").header("Nylas-API-Version", nylas.apiVersion());
        try {
            return http.send(request.timeout(nylas.requestTimeout()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new NylasCallException(what + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NylasCallException(what + " interrupted");
        }
    }

    private static void expectOk(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new NylasCallException(what + " answered HTTP " + response.statusCode());
        }
    }

    private URI uri(String path) {
        return URI.create(nylas.baseUrl().replaceAll("/+$", "") + path);
    }

    private static String json(Map<String, String> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
