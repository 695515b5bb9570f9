package io.relink.scanner.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Nylas application the scanner reads (shared names: {@code relink.nylas.*}). */
@ConfigMapping(prefix = "relink.nylas")
public interface NylasConfig {
    /**
     * {@code https://api.nylas.com} (US) or, for API v2 in the EU, {@code https://ireland.api.nylas.com}
     * ({@code api.eu.nylas.com} is the v3 host and serves no v2 endpoint).
     */
    String baseUrl();

    String clientId();

    /** Never logged; sent only as the Basic auth user name. */
    String clientSecret();

    @WithDefault("30s")
    Duration requestTimeout();

    /** The {@code Nylas-API-Version} pinned on every call, as the v2 SDKs pin it (2.5). */
    @WithDefault("2.5")
    String apiVersion();
}
