package io.relink.console.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.relink.console.config.ConsoleConfig;
import io.relink.console.service.ServiceCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;

/**
 * The scanner's CSV of the accounts a search selects, passed through as it streams: a registry of millions would not
 * fit in the console's memory, and the REST client reads a body whole.
 */
@ApplicationScoped
public class ScannerExport {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ConsoleConfig config;
    private final ServiceHeaders headers;

    public ScannerExport(ConsoleConfig config, ServiceHeaders headers) {
        this.config = config;
        this.headers = headers;
    }

    /** The open body of {@code GET /api/accounts?q=&status=} as CSV; the caller closes it. */
    public InputStream accounts(String q, String status) {
        String query = "?q=" + URLEncoder.encode(q == null ? "" : q, StandardCharsets.UTF_8) + "&status="
                + URLEncoder.encode(status == null ? "" : status, StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.scannerUrl() + "/api/accounts" + query)).header("Accept", "text/csv");
        headers.update(new MultivaluedHashMap<>(), new MultivaluedHashMap<>()).forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        try {
            HttpResponse<InputStream> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (answer.statusCode() != 200) {
                try (InputStream body = answer.body()) {
                    throw new ServiceCall.Failed(answer.statusCode(), "the scanner said: " + new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return answer.body();
        } catch (IOException e) {
            throw new ServiceCall.Failed(502, "the scanner cannot be reached just now; try again in a moment");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceCall.Failed(502, "interrupted");
        }
    }
}
