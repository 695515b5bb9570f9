package io.relink.nylas;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The customer's Nylas application, as every service that calls Nylas knows it ({@code relink.nylas.*}). */
@ConfigMapping(prefix = "relink.nylas")
public interface NylasConfig {
    /**
     * {@code https://api.nylas.com} (US) or, for API v2 in the EU, {@code https://ireland.api.nylas.com}
     * ({@code api.eu.nylas.com} is the v3 host and serves no v2 endpoint).
     */
    String baseUrl();

    /**
     * Where the user's browser goes to sign in ({@code /oauth/authorize}): the API's base URL unless set, for
     * networks where the browser and the service reach Nylas by different names (docker-compose, a proxy).
     */
    Optional<String> browserUrl();

    String clientId();

    /** Never logged; sent only as the Basic auth user name and in the token exchange's body. */
    String clientSecret();

    /** The longest wait for one answer of Nylas. */
    @WithDefault("30s")
    Duration requestTimeout();

    /**
     * The {@code Nylas-API-Version} header sent with every call, as the v2 SDKs pin it (2.5 in nylas-python 5.14
     * and nylas-nodejs 6.11), so a change of Nylas's default version cannot change the answers under us.
     */
    @WithDefault("2.5")
    String apiVersion();

    /** Where the browser signs in, without a trailing slash. */
    default String signInBaseUrl() {
        return browserUrl().orElse(baseUrl()).replaceAll("/+$", "");
    }
}
