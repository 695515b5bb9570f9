package io.relink.nylas;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.relink.nylas.NylasConfig.Api;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.Response;

/**
 * The Nylas calls of Relink, on the API the application is on ({@code relink.nylas.api}): the scanner and reauth
 * call these and never ask which. One page of the list (v2 accounts, v3 grants; never retried here: the answer
 * says whether a retry can help), the code exchange and the custom (native) sign-in (each code exactly once), one
 * account or grant, and retiring the old account: v2's downgrade and revoke-all, v3's grant deletion. Every call
 * asks for JSON and gives up after {@code relink.nylas.request-timeout}; error messages name the call, the HTTP
 * status and Nylas's error type and request id, never a code, a token, the secret or the API key.
 */
@ApplicationScoped
public class NylasClient {
    /** The outcome of one page request: the accounts, or why there are none. */
    public record AccountsPage(List<NylasAccount> accounts, NylasFailure failure) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LONGEST_RATE_LIMIT_WAIT = Duration.ofMinutes(5);

    private final NylasConfig config;
    private final List<NylasCallObserver> observers;
    private final NylasV2Api v2;
    private final NylasV3Api v3;
    /** v2: Basic auth with the client secret as the user name and an empty password; v3: the API key as bearer. */
    private final String authorization;

    public NylasClient(NylasConfig config, Instance<NylasCallObserver> observers) {
        List<String> missing = config.missingSettings();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("relink.nylas.api=" + config.api().name().toLowerCase() + " cannot start: "
                    + String.join("; ", missing) + " is not set");
        }
        this.config = config;
        this.observers = observers.stream().toList();
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.baseUrl().replaceAll("/+$", "")))
                .connectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // Every status is an answer to read here, not an exception.
                .property("microprofile.rest.client.disable.default.mapper", true);
        if (config.api() == Api.V2) {
            this.authorization = "Basic " + Base64.getEncoder().encodeToString((config.clientSecret().orElseThrow() + ":").getBytes(StandardCharsets.UTF_8));
            this.v2 = builder.register((ClientRequestFilter) request -> request.getHeaders().putSingle("Nylas-API-Version", config.apiVersion()))
                    .build(NylasV2Api.class);
            this.v3 = null;
        } else {
            this.authorization = "Bearer " + config.apiKey().orElseThrow();
            this.v3 = builder.build(NylasV3Api.class);
            this.v2 = null;
        }
    }

    public Api api() {
        return config.api();
    }

    /**
     * One page of the list: v2's {@code GET /a/{client_id}/accounts}, or v3's {@code GET /v3/grants} oldest first
     * ({@code sort_by=created_at&order_by=asc}: grants created during a scan join the end of the list, as v2's did, so
     * only deletions shift the offsets; Nylas's default, newest first, would shift every page by each new grant),
     * filtered to {@code connector} when one is given (v2 has no such filter and lists every account). The future
     * never fails and completes on a worker thread, never on the client's event loop, so what follows may block.
     */
    public CompletableFuture<AccountsPage> accounts(long offset, int limit, Optional<String> connector) {
        CompletableFuture<Response> call;
        try {
            CompletionStage<Response> stage = v2 != null ? v2.accounts(authorization, config.clientId(), offset, limit)
                    : v3.grants(authorization, connector.orElse(null), limit, offset, "created_at", "asc");
            call = stage.toCompletableFuture();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handleAsync((response, error) -> error != null
                ? new AccountsPage(null, NylasFailure.retryable(describe(error)))
                : readPage(response), Infrastructure.getDefaultWorkerPool());
    }

    /**
     * The user's code for the account's new token: v2's {@code POST /oauth/token}; v3's {@code POST /v3/connect/token}
     * with the redirect URI the sign-in used and the PKCE verifier. Never retried: a code works once.
     */
    public TokenGrant exchange(String code, String redirectUri, String codeVerifier) {
        if (v2 != null) {
            return v2Grant("token exchange", () -> v2.token(Map.of("client_id", config.clientId(),
                    "client_secret", config.clientSecret().orElseThrow(), "grant_type", "authorization_code", "code", code)));
        }
        Map<String, String> request = new LinkedHashMap<>();
        request.put("client_id", config.clientId());
        request.put("client_secret", config.apiKey().orElseThrow());
        request.put("grant_type", "authorization_code");
        request.put("code", code);
        request.put("redirect_uri", redirectUri);
        if (codeVerifier != null) {
            request.put("code_verifier", codeVerifier);
        }
        JsonNode answer = expectJson("token exchange", call("token exchange", () -> v3.token(request)));
        String grantId = text(answer, "grant_id");
        if (grantId == null) {
            throw new NylasCallException("token exchange answered without grant_id");
        }
        return new TokenGrant(text(answer, "access_token"), grantId, text(answer, "email"), text(answer, "provider"));
    }

    /**
     * Custom (native) sign-in for a Microsoft mailbox, with the refresh token the customer's Azure app got for it. v2:
     * {@code POST /connect/authorize} then {@code /connect/token}. v3: {@code POST /v3/connect/custom} with provider
     * {@code microsoft}, which creates the grant (the {@code microsoft} connector must be set up with the same Azure
     * app); its answer may lack the address, which is then read from the grant. Never retried; the credentials'
     * secrets never appear in a message.
     */
    public TokenGrant connectMicrosoft(String name, String emailAddress, String scopes, MicrosoftCredentials microsoft) {
        if (v2 != null) {
            return v2Grant("connect/token", () -> v2.connectToken(Map.of("client_id", config.clientId(),
                    "client_secret", config.clientSecret().orElseThrow(), "code", v2ConnectAuthorize(name, emailAddress, scopes, microsoft))));
        }
        Map<String, Object> request = Map.of("provider", "microsoft", "settings", Map.of("refresh_token", microsoft.refreshToken()));
        JsonNode grant = expectJson("connect/custom", call("connect/custom", () -> v3.custom(authorization, request))).path("data");
        String grantId = text(grant, "id");
        if (grantId == null) {
            throw new NylasCallException("connect/custom answered without a grant id");
        }
        String email = text(grant, "email");
        if (email == null) {
            email = account(grantId).map(NylasAccount::email)
                    .orElseThrow(() -> new NylasCallException("the grant connect/custom created cannot be found"));
        }
        return new TokenGrant(null, grantId, email, Optional.ofNullable(text(grant, "provider")).orElse("microsoft"));
    }

    private String v2ConnectAuthorize(String name, String emailAddress, String scopes, MicrosoftCredentials microsoft) {
        Map<String, Object> request = Map.of("client_id", config.clientId(), "name", name, "email_address", emailAddress,
                "provider", "office365", "scopes", scopes, "settings", Map.of("microsoft_client_id", microsoft.clientId(),
                        "microsoft_client_secret", microsoft.clientSecret(), "microsoft_refresh_token", microsoft.refreshToken(),
                        "redirect_uri", microsoft.redirectUri()));
        String code = text(expectJson("connect/authorize", call("connect/authorize", () -> v2.connectAuthorize(request))), "code");
        if (code == null || code.isBlank()) {
            throw new NylasCallException("connect/authorize answered without a code");
        }
        return code;
    }

    /** One account (v2) or grant (v3) as it is now; empty when Nylas has none with that id. */
    public Optional<NylasAccount> account(String id) {
        String what = v2 != null ? "account lookup" : "grant lookup";
        try (Response response = call(what, () -> v2 != null ? v2.account(authorization, config.clientId(), id) : v3.grant(authorization, id))) {
            if (response.getStatus() == 404) {
                return Optional.empty();
            }
            JsonNode body = expectJson(what, response);
            return Optional.of(v2 != null ? v2Account(body) : v3Grant(body.path("data")));
        }
    }

    /** v3, {@code DELETE /v3/grants/{id}}: the grant is gone for good. False when it was gone already (Nylas's 404). */
    public boolean deleteGrant(String grantId) {
        requireApi(Api.V3, "deleting a grant");
        try (Response response = call("grant deletion", () -> v3.deleteGrant(authorization, grantId))) {
            if (response.getStatus() == 404) {
                return false;
            }
            expectJson("grant deletion", response);
            return true;
        }
    }

    /** v2, {@code POST /a/{client_id}/accounts/{id}/downgrade}: the account stops syncing and is no longer billed. */
    public void downgrade(String accountId) {
        requireApi(Api.V2, "downgrade");
        try (Response response = call("downgrade", () -> v2.downgrade(authorization, config.clientId(), accountId))) {
            expectOk(response, "downgrade");
        }
    }

    /** v2: revokes every token of the account but {@code keep}; an account without tokens is fine (Nylas's 404). */
    public void revokeAllExcept(String accountId, String keep) {
        requireApi(Api.V2, "revoke-all");
        try (Response response = call("revoke-all",
                () -> v2.revokeAll(authorization, config.clientId(), accountId, Map.of("keep_access_token", keep)))) {
            if (response.getStatus() != 404) {
                expectOk(response, "revoke-all");
            }
        }
    }

    private void requireApi(Api api, String what) {
        if (config.api() != api) {
            throw new IllegalStateException(what + " is a Nylas " + api.name().toLowerCase() + " call; this application is on "
                    + config.api().name().toLowerCase());
        }
    }

    private AccountsPage readPage(Response response) {
        try (response) {
            int status = response.getStatus();
            if (status == 200) {
                try {
                    JsonNode body = JSON.readTree(response.readEntity(byte[].class));
                    JsonNode list = v2 != null ? body : body.path("data");
                    if (!list.isArray()) {
                        return new AccountsPage(null, NylasFailure.retryable("HTTP 200 with a body that is not " + (v2 != null ? "an array of accounts" : "a list of grants")));
                    }
                    List<NylasAccount> accounts = new ArrayList<>(list.size());
                    for (JsonNode item : list) {
                        accounts.add(v2 != null ? v2Account(item) : v3Grant(item));
                    }
                    return new AccountsPage(accounts, null);
                } catch (IOException | RuntimeException e) {
                    return new AccountsPage(null, NylasFailure.retryable("HTTP 200 with a body that is not JSON"));
                }
            }
            if (status == 429) {
                return new AccountsPage(null, NylasFailure.rateLimited("HTTP 429 (rate limited)" + errorOf(response),
                        rateLimitWait(response.getHeaderString("Retry-After"), response.getHeaderString("X-RateLimit-Reset"))));
            }
            if (status == 202 || status >= 500) {
                return new AccountsPage(null, NylasFailure.retryable("HTTP " + status + (status == 202 ? " (not ready)" : "") + errorOf(response)));
            }
            if (status == 401 || status == 403) {
                return new AccountsPage(null, NylasFailure.fatal("HTTP " + status + ": Nylas refused the application's "
                        + (v2 != null ? "client id or secret" : "API key") + errorOf(response)));
            }
            return new AccountsPage(null, NylasFailure.fatal("HTTP " + status + ": " + body(response)));
        }
    }

    private static NylasAccount v2Account(JsonNode a) {
        return new NylasAccount(text(a, "id"), text(a, "email"), text(a, "provider"), text(a, "sync_state"), text(a, "billing_state"),
                text(a, "authentication_type"));
    }

    /** A v3 grant; {@code account_id} is there only on grants migrated from v2. */
    private static NylasAccount v3Grant(JsonNode g) {
        return NylasAccount.grant(text(g, "id"), text(g, "email"), text(g, "provider"), text(g, "grant_status"), text(g, "account_id"));
    }

    /** A v2 sign-in's one redemption: the account's id, address and new access token. */
    private TokenGrant v2Grant(String what, Supplier<Response> redemption) {
        JsonNode answer = expectJson(what, call(what, redemption));
        String accessToken = text(answer, "access_token");
        String accountId = text(answer, "account_id");
        if (accessToken == null || accountId == null) {
            throw new NylasCallException(what + " answered without access_token or account_id");
        }
        return new TokenGrant(accessToken, accountId, text(answer, "email_address"), text(answer, "provider"));
    }

    /** The 2xx answer's JSON body, or the call's failure with Nylas's error type and request id. Closes the response. */
    private static JsonNode expectJson(String what, Response response) {
        try (response) {
            if (response.getStatus() / 100 != 2) {
                throw new NylasCallException(what + " answered HTTP " + response.getStatus() + errorOf(response));
            }
            try {
                return JSON.readTree(response.readEntity(byte[].class));
            } catch (IOException | RuntimeException e) {
                throw new NylasCallException(what + " answered with a body that is not JSON");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * What Nylas said went wrong, for operators: v3's envelope ({@code error.type}, {@code request_id}), the OAuth form
     * of {@code /v3/connect/token} ({@code error}, {@code error_code}), or v2's {@code type}. Never the messages, which
     * may quote the request.
     */
    private static String errorOf(Response response) {
        try {
            JsonNode body = JSON.readTree(response.readEntity(byte[].class));
            JsonNode error = body.get("error");
            String type = error != null && error.isObject() ? text(error, "type") : error != null ? error.asText() : text(body, "type");
            String code = text(body, "error_code");
            String requestId = text(body, "request_id");
            return (type == null ? "" : " (" + type + (code == null ? "" : " " + code) + ")") + (requestId == null ? "" : ", request " + requestId);
        } catch (IOException | RuntimeException e) {
            return "";
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
