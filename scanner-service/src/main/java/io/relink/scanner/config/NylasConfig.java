package io.relink.scanner.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Nylas application the scanner reads (shared names: {@code relink.nylas.*}). */
@ConfigMapping(prefix = "relink.nylas")
public interface NylasConfig {
    /** {@code https://api.nylas.com} (US) or {@code https://api.eu.nylas.com} (EU). */
    String baseUrl();

    String clientId();

    /** Never logged; sent only as the Basic auth user name. */
    String clientSecret();

    @WithDefault("30s")
    Duration requestTimeout();
}
