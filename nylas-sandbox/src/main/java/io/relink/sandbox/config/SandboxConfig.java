package io.relink.sandbox.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The sandbox's settings, under the contract's {@code relink.sandbox.*} names. */
@ConfigMapping(prefix = "relink.sandbox")
public interface SandboxConfig {
    /** The application's client id: the {@code {client_id}} of {@code /a/{client_id}/...}. */
    @WithDefault("relink-sandbox-client")
    String clientId();

    /** The application's client secret (Basic auth user name; OAuth token exchange). A sandbox value, not a real secret. */
    @WithDefault("relink-sandbox-secret")
    String clientSecret();

    /** The v3 application's API key ({@code Authorization: Bearer}, and the code exchange's client_secret). A sandbox value. */
    @WithDefault("nylas-sandbox-api-key")
    String apiKey();

    /** The v3 webhook's secret, which signs every notification ({@code X-Nylas-Signature}). A sandbox value. */
    @WithDefault("nylas-sandbox-webhook-secret")
    String webhookSecret();

    /** How many accounts to generate; pages are generated on demand, so millions cost no memory. */
    @WithDefault("1000")
    long accounts();

    /** The seed of the generated accounts: the same seed and count give the same accounts. */
    @WithDefault("42")
    long seed();

    /** Serve the accounts of this JSON file (an array of Nylas account objects) instead of generated ones. */
    Optional<Path> accountsFile();

    /** A {@code limit} above this gets 400, as a too-high limit may fail at Nylas. */
    @WithDefault("1000")
    int maxLimit();

    /** The registered OAuth redirect URIs. */
    @WithDefault("http://localhost:8083/reauth/callback")
    List<String> redirectUris();

    /** The share (0 to 1) of migrations after which Nylas reports a new account id, as a move to graph does. */
    @WithDefault("0")
    double newAccountIdShare();

    /** How long an authorization code can be exchanged. */
    @WithDefault("10m")
    Duration codeLifetime();

    /**
     * Where the browser reaches the Microsoft sign-in stand-in. Unset, it is this server under its other loopback
     * name ({@code 127.0.0.1} when the browser came to Nylas as {@code localhost}, and the reverse), so that
     * Microsoft's page is always on another origin than Nylas's, as it is for real.
     */
    Optional<String> microsoftUrl();

    Microsoft microsoft();

    Faults faults();

    /** The Azure app that Nylas signs users in with at Microsoft (in the real world, set in the Nylas dashboard). */
    interface Microsoft {
        /** Nylas's own Azure app, which hosted authentication signs in with. */
        @WithDefault("sandbox-azure-app")
        String clientId();

        /** The customer's Azure app, which native authentication signs in with (its redirect URIs, its secret). */
        @WithDefault("customer-azure-app")
        String nativeClientId();

        /** A sandbox value, not a real secret. */
        @WithDefault("customer-azure-secret")
        String nativeClientSecret();

        @WithDefault("http://localhost:8083/reauth/callback")
        List<String> nativeRedirectUris();

        @WithDefault("offline_access https://outlook.office365.com/EAS.AccessAsUser.All https://outlook.office365.com/EWS.AccessAsUser.All openid profile User.Read")
        String scopes();
    }

    /** Faults at start; {@code PUT /sandbox/faults} changes them at run time. 0 means off. */
    interface Faults {
        /** Added to every Nylas API request. */
        @WithDefault("0s")
        Duration latency();

        /** Every N-th API request gets 429. */
        @WithDefault("0")
        int rateLimitEvery();

        /** Requests above this many per second get 429. */
        @WithDefault("0")
        int maxRequestsPerSecond();

        /** Seconds in X-RateLimit-Reset of a 429. */
        @WithDefault("1")
        int rateLimitResetSeconds();

        /** Every N-th API request gets a 5xx (500, 502, 503, 504 in turn). */
        @WithDefault("0")
        int serverErrorEvery();

        /** Every N-th API request gets 202 "not ready, retry". */
        @WithDefault("0")
        int acceptedEvery();

        /** Every N-th API request has its connection closed without an answer. */
        @WithDefault("0")
        int dropConnectionEvery();

        /** Every N-th account listing deletes an account. */
        @WithDefault("0")
        int deleteAccountEvery();

        /** Every N-th account listing adds an account. */
        @WithDefault("0")
        int addAccountEvery();
    }
}
