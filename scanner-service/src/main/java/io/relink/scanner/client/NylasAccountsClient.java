package io.relink.scanner.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.scanner.config.NylasConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One request for one page of {@code GET /a/{client_id}/accounts}. It never retries: the answer says whether a
 * retry can help ({@link PageFailure}) and {@code PageFetcher} decides.
 */
@ApplicationScoped
public class NylasAccountsClient {
    /** The outcome of one request: a page, or a failure. */
    public record Answer(List<NylasAccount> page, PageFailure failure) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final HttpClient http;
    private final NylasConfig config;
    private final String authorization;

    public NylasAccountsClient(NylasConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
        // Basic auth with the client secret as the user name and an empty password.
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((config.clientSecret() + ":").getBytes(StandardCharsets.UTF_8));
    }

    public CompletableFuture<Answer> page(long offset, int limit) {
        URI uri = URI.create(config.baseUrl().replaceAll("/+$", "") + "/a/" + config.clientId() + "/accounts?offset=" + offset + "&limit=" + limit);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.requestTimeout())
                .header("Authorization", authorization).header("Accept", "application/json")
                .header("Nylas-API-Version", config.apiVersion()).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> error != null ? new Answer(null, PageFailure.retryable(describe(error))) : read(response));
    }

    private static Answer read(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 200) {
            try {
                return new Answer(List.of(JSON.readValue(response.body(), NylasAccount[].class)), null);
            } catch (IOException | NullPointerException e) {
                return new Answer(null, PageFailure.retryable("HTTP 200 with a body that is not an array of accounts"));
            }
        }
        if (status == 429) {
            return new Answer(null, PageFailure.rateLimited("HTTP 429 (rate limited)", rateLimitWait(response)));
        }
        if (status == 202 || status >= 500) {
            return new Answer(null, PageFailure.retryable("HTTP " + status + (status == 202 ? " (not ready)" : "")));
        }
        if (status == 401 || status == 403) {
            return new Answer(null, PageFailure.fatal("HTTP " + status + ": Nylas refused the application's client id or secret"));
        }
        return new Answer(null, PageFailure.fatal("HTTP " + status + ": " + new String(response.body(), StandardCharsets.UTF_8)));
    }

    /** X-RateLimit-Reset (seconds until the limit resets) or Retry-After, whichever is given; else one second. */
    static Duration rateLimitWait(HttpResponse<?> response) {
        Optional<Duration> wait = seconds(response.headers().firstValue("Retry-After"));
        if (wait.isEmpty()) {
            wait = seconds(response.headers().firstValue("X-RateLimit-Reset"));
        }
        return wait.filter(d -> !d.isNegative()).map(d -> d.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : d)
                .orElse(Duration.ofSeconds(1));
    }

    private static Optional<Duration> seconds(Optional<String> header) {
        try {
            return header.map(String::trim).map(Double::parseDouble).map(s -> Duration.ofMillis((long) (s * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
