package io.relink.reauth.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.relink.platform.brand.BrandConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The brand's logo for the pages, which load nothing from third parties (CSP {@code img-src 'self'}): fetched from
 * {@code relink.brand.logo-url} and served from this service's own origin. Only images of the usual types, up to
 * 256 KB; until a fetch succeeds (it is tried again every few minutes) the pages show the product's name alone.
 */
@ApplicationScoped
public class BrandLogo {
    private static final Logger LOG = Logger.getLogger(BrandLogo.class);
    private static final int MAX_BYTES = 256 * 1024;
    private static final Set<String> TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml");

    /** The image and its media type. */
    public record Image(byte[] bytes, String type) {
    }

    private final Optional<String> url;
    private final AtomicReference<Image> image = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public BrandLogo(BrandConfig brand) {
        this.url = brand.logoUrl();
    }

    public Optional<Image> image() {
        return Optional.ofNullable(image.get());
    }

    @Scheduled(every = "5m", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void fetchUntilItWorks() {
        if (url.isEmpty() || image.get() != null) {
            return;
        }
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url.get())).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
            try (InputStream body = response.body()) {
                byte[] bytes = body.readNBytes(MAX_BYTES + 1);
                if (response.statusCode() != 200 || !TYPES.contains(type) || bytes.length > MAX_BYTES) {
                    LOG.warnf("the brand logo was not taken: HTTP %d, type '%s', %d bytes (an image of %s, at most %d bytes)",
                            response.statusCode(), type, bytes.length, TYPES, MAX_BYTES);
                    return;
                }
                image.set(new Image(bytes, type));
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warnf("the brand logo could not be fetched (%s); the pages show the product's name until it can", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
