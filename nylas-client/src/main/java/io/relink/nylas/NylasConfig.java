package io.relink.nylas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The customer's Nylas application, as every service that calls Nylas knows it ({@code relink.nylas.*}). */
@ConfigMapping(prefix = "relink.nylas")
public interface NylasConfig {
    /** Which Nylas API the application is on. */
    enum Api {
        /** Grants, {@code Authorization: Bearer <API key>}, {@code /v3/connect/*}. Every Nylas application today. */
        V3,
        /** Accounts, the client secret as Basic auth, {@code /oauth/*}. Shut down by Nylas on January 20, 2025. */
        V2
    }

    /** {@code v3} (default) or {@code v2}. */
    @WithDefault("v3")
    Api api();

    /**
     * v3: {@code https://api.us.nylas.com} or {@code https://api.eu.nylas.com}. v2: {@code https://api.nylas.com} or
     * {@code https://ireland.api.nylas.com} ({@code api.eu.nylas.com} serves no v2 endpoint).
     */
    String baseUrl();

    /**
     * Where the user's browser goes to sign in ({@code /v3/connect/auth}, or v2's {@code /oauth/authorize}): the API's
     * base URL unless set, for networks where the browser and the service reach Nylas by different names
     * (docker-compose, a proxy).
     */
    Optional<String> browserUrl();

    /** The application's client id (both versions: the hosted sign-in and the code exchange name it). */
    String clientId();

    /** v2 only: never logged; sent only as the Basic auth user name and in the token exchange's body. */
    Optional<String> clientSecret();

    /**
     * v3 only: the application's API key, sent as {@code Authorization: Bearer} and as the code exchange's
     * {@code client_secret}, as the v3 SDKs send it. Never logged.
     */
    Optional<String> apiKey();

    /** The longest wait for one answer of Nylas. */
    @WithDefault("30s")
    Duration requestTimeout();

    /**
     * v2 only: the {@code Nylas-API-Version} header sent with every call, as the v2 SDKs pin it (2.5 in nylas-python
     * 5.14 and nylas-nodejs 6.11), so a change of Nylas's default version cannot change the answers under us. v3 has
     * the version in the path and no such header.
     */
    @WithDefault("2.5")
    String apiVersion();

    /** Where the browser signs in, without a trailing slash. */
    default String signInBaseUrl() {
        return browserUrl().orElse(baseUrl()).replaceAll("/+$", "");
    }

    /** The settings the chosen API needs that are missing, each named with its environment variable; empty when complete. */
    default List<String> missingSettings() {
        List<String> missing = new ArrayList<>();
        if (api() == Api.V3 && apiKey().filter(k -> !k.isBlank()).isEmpty()) {
            missing.add("relink.nylas.api-key (RELINK_NYLAS_API_KEY): the v3 application's API key");
        }
        if (api() == Api.V2 && clientSecret().filter(s -> !s.isBlank()).isEmpty()) {
            missing.add("relink.nylas.client-secret (RELINK_NYLAS_CLIENT_SECRET): the v2 application's client secret");
        }
        return missing;
    }
}
