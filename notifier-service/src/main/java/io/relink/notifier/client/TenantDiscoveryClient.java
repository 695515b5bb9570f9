package io.relink.notifier.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import io.relink.notifier.config.NotifyConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Microsoft's public tenant discovery: the OpenID configuration at
 * {@code {authority}/{domain}/v2.0/.well-known/openid-configuration}, which needs no credentials. As Microsoft
 * documents and behaves, it answers 200 with the tenant's configuration when a Microsoft Entra tenant has the domain
 * (Exchange Online and hybrid deployments), and 400 with {@code error=invalid_tenant} (AADSTS90002, "Tenant not
 * found") when none has. Anything else (5xx, timeouts, other errors) says nothing about the domain.
 */
@ApplicationScoped
public class TenantDiscoveryClient {
    public enum Answer {
        TENANT,
        NO_TENANT,
        UNKNOWN
    }

    /** The answer, with what went wrong when it is UNKNOWN. */
    public record Result(Answer answer, String detail) {
    }

    private final HttpClient http;
    private final NotifyConfig.TenantDiscovery config;

    public TenantDiscoveryClient(NotifyConfig config) {
        this.config = config.tenantDiscovery();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Asks about one domain; blocking, at most the configured timeout. */
    public Result lookUp(String domain) {
        URI uri = URI.create(config.authority().replaceAll("/+$", "") + "/" + URLEncoder.encode(domain, StandardCharsets.UTF_8)
                + "/v2.0/.well-known/openid-configuration");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.timeout()).header("Accept", "application/json").GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().contains("\"issuer\"")) {
                return new Result(Answer.TENANT, null);
            }
            if (response.statusCode() == 400 && (response.body().contains("invalid_tenant") || response.body().contains("AADSTS90002"))) {
                return new Result(Answer.NO_TENANT, null);
            }
            return new Result(Answer.UNKNOWN, "HTTP " + response.statusCode() + " from tenant discovery");
        } catch (IOException e) {
            return new Result(Answer.UNKNOWN, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Answer.UNKNOWN, "interrupted");
        }
    }
}
