package io.relink.nylas;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.Response;

/**
 * The Nylas v2 calls of Relink: one page of the account list (never retried here: the answer says whether a
 * retry can help), the code exchange and native authentication's {@code /connect} pair (each code exactly once),
 * downgrade and revoke-all. Every call asks for JSON, pins
 * {@code Nylas-API-Version}, and gives up after {@code relink.nylas.request-timeout}.
 */
@ApplicationScoped
public class NylasClient {
    /** The outcome of one page request: the accounts, or why there are none. */
    public record AccountsPage(List<NylasAccount> accounts, NylasFailure failure) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LONGEST_RATE_LIMIT_WAIT = Duration.ofMinutes(5);

    private final NylasConfig config;
    private final List<NylasCallObserver> observers;
    private final NylasApi api;
    /** Basic auth with the client secret as the user name and an empty password. */
    private final String authorization;

    public NylasClient(NylasConfig config, Instance<NylasCallObserver> observers) {
        this.config = config;
        this.observers = observers.stream().toList();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((config.clientSecret() + ":").getBytes(StandardCharsets.UTF_8));
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.baseUrl().replaceAll("/+$", "")))
                .connectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .register((ClientRequestFilter) request -> request.getHeaders().putSingle("Nylas-API-Version", config.apiVersion()))
                // Every status is an answer to read here, not an exception.
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(NylasApi.class);
    }

    /**
     * {@code GET /a/{client_id}/accounts}: one page, or the failure; the future never fails. It completes on a
     * worker thread, never on the client's event loop, so what the caller chains to it may block.
     */
    public CompletableFuture<AccountsPage> accounts(long offset, int limit) {
        CompletableFuture<Response> call;
        try {
            call = api.accounts(authorization, config.clientId(), offset, limit).toCompletableFuture();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handleAsync((response, error) -> error != null
                ? new AccountsPage(null, NylasFailure.retryable(describe(error)))
                : readPage(response), Infrastructure.getDefaultWorkerPool());
    }

    /** {@code POST /oauth/token}: the user's code for the account's token. Never retried: a code works once. */
    public TokenGrant exchange(String code) {
        return grant("token exchange", () -> api.token(Map.of("client_id", config.clientId(),
                "client_secret", config.clientSecret(), "grant_type", "authorization_code", "code", code)));
    }

    /**
     * Native authentication, {@code POST /connect/authorize}: Nylas takes the Microsoft refresh token the customer's
     * Azure app got for the mailbox and answers a one-time code. Never retried: the caller's user starts again.
     */
    public String connectAuthorize(String name, String emailAddress, String scopes, MicrosoftCredentials microsoft) {
        Map<String, Object> request = Map.of("client_id", config.clientId(), "name", name, "email_address", emailAddress,
                "provider", "office365", "scopes", scopes, "settings", Map.of("microsoft_client_id", microsoft.clientId(),
                        "microsoft_client_secret", microsoft.clientSecret(), "microsoft_refresh_token", microsoft.refreshToken(),
                        "redirect_uri", microsoft.redirectUri()));
        try (Response response = call("connect/authorize", () -> api.connectAuthorize(request))) {
            if (response.getStatus() != 200) {
                throw new NylasCallException("connect/authorize answered HTTP " + response.getStatus());
            }
            Object code;
            try {
                code = JSON.readValue(response.readEntity(byte[].class), Map.class).get("code");
            } catch (IOException | RuntimeException e) {
                throw new NylasCallException("connect/authorize answered with a body that is not JSON");
            }
            if (!(code instanceof String c) || c.isBlank()) {
                throw new NylasCallException("connect/authorize answered without a code");
            }
            return c;
        }
    }

    /** Native authentication, {@code POST /connect/token}: the code of {@link #connectAuthorize}, once, for the account's token. */
    public TokenGrant connectToken(String code) {
        return grant("connect/token", () -> api.connectToken(Map.of("client_id", config.clientId(), "client_secret", config.clientSecret(),
                "code", code)));
    }

    /** A code's one redemption: the account's id, address and new access token. */
    private TokenGrant grant(String what, Supplier<Response> redemption) {
        try (Response response = call(what, redemption)) {
            if (response.getStatus() != 200) {
                throw new NylasCallException(what + " answered HTTP " + response.getStatus());
            }
            TokenGrant grant;
            try {
                grant = JSON.readValue(response.readEntity(byte[].class), TokenGrant.class);
            } catch (IOException | RuntimeException e) {
                throw new NylasCallException(what + " answered with a body that is not a token grant");
            }
            if (grant.accessToken() == null || grant.accountId() == null) {
                throw new NylasCallException(what + " answered without access_token or account_id");
            }
            return grant;
        }
    }

    /** {@code POST /a/{client_id}/accounts/{id}/downgrade}: the account stops syncing and is no longer billed. */
    public void downgrade(String accountId) {
        try (Response response = call("downgrade", () -> api.downgrade(authorization, config.clientId(), accountId))) {
            expectOk(response, "downgrade");
        }
    }

    /** Revokes every token of the account but {@code keep}; an account without tokens is fine (Nylas's 404). */
    public void revokeAllExcept(String accountId, String keep) {
        try (Response response = call("revoke-all",
                () -> api.revokeAll(authorization, config.clientId(), accountId, Map.of("keep_access_token", keep)))) {
            if (response.getStatus() != 404) {
                expectOk(response, "revoke-all");
            }
        }
    }

    private static AccountsPage readPage(Response response) {
        try (response) {
            int status = response.getStatus();
            if (status == 200) {
                try {
                    return new AccountsPage(List.of(JSON.readValue(response.readEntity(byte[].class), NylasAccount[].class)), null);
                } catch (IOException | RuntimeException e) {
                    return new AccountsPage(null, NylasFailure.retryable("HTTP 200 with a body that is not an array of accounts"));
                }
            }
            if (status == 429) {
                return new AccountsPage(null, NylasFailure.rateLimited("HTTP 429 (rate limited)",
                        rateLimitWait(response.getHeaderString("Retry-After"), response.getHeaderString("X-RateLimit-Reset"))));
            }
            if (status == 202 || status >= 500) {
                return new AccountsPage(null, NylasFailure.retryable("HTTP " + status + (status == 202 ? " (not ready)" : "")));
            }
            if (status == 401 || status == 403) {
                return new AccountsPage(null, NylasFailure.fatal("HTTP " + status + ": Nylas refused the application's client id or secret"));
            }
            return new AccountsPage(null, NylasFailure.fatal("HTTP " + status + ": " + body(response)));
        }
    }

    /** Retry-After or X-RateLimit-Reset (seconds until the limit resets), whichever is given; else one second; at most five minutes. */
    static Duration rateLimitWait(String retryAfter, String rateLimitReset) {
        Optional<Duration> wait = seconds(retryAfter);
        if (wait.isEmpty()) {
            wait = seconds(rateLimitReset);
        }
        return wait.filter(d -> !d.isNegative()).map(d -> d.compareTo(LONGEST_RATE_LIMIT_WAIT) > 0 ? LONGEST_RATE_LIMIT_WAIT : d)
                .orElse(Duration.ofSeconds(1));
    }

    private static Optional<Duration> seconds(String header) {
        try {
            return Optional.ofNullable(header).map(String::trim).map(Double::parseDouble).map(s -> Duration.ofMillis((long) (s * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * One call the caller waits on, timed for the observers. One that did not get an answer is said by the failure's
     * kind only (its message could quote the request).
     */
    private Response call(String what, Supplier<Response> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (ProcessingException e) {
            throw new NylasCallException(what + " failed: " + cause(e).getClass().getSimpleName());
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            observers.forEach(o -> o.took(what, took));
        }
    }

    private static void expectOk(Response response, String what) {
        if (response.getStatus() / 100 != 2) {
            throw new NylasCallException(what + " answered HTTP " + response.getStatus());
        }
    }

    private static String body(Response response) {
        try {
            return new String(response.readEntity(byte[].class), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return "(no readable body)";
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = cause(error);
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** What went wrong under the future's and the client's wrappers. */
    private static Throwable cause(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ProcessingException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
