package io.relink.reauth.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The OAuth hand-over ({@code relink.reauth.*}) and the Nylas application it uses ({@code relink.nylas.*}). */
@ConfigMapping(prefix = "relink")
public interface ReauthConfig {
    /** Public base URL of this service: the links' base and the base of the one registered redirect_uri. */
    String publicUrl();

    Nylas nylas();

    Reauth reauth();

    Token token();

    interface Nylas {
        String baseUrl();

        /**
         * Where the user's browser goes to sign in ({@code /oauth/authorize}): the API's base URL unless set, for
         * networks where the browser and the service reach Nylas by different names (docker-compose, a proxy).
         */
        Optional<String> browserUrl();

        /** Where the browser signs in, without a trailing slash. */
        static String signInBaseUrl(Nylas nylas) {
            return nylas.browserUrl().orElse(nylas.baseUrl()).replaceAll("/+$", "");
        }

        String clientId();

        /** Never logged. */
        String clientSecret();

        @WithDefault("15s")
        Duration requestTimeout();
    }

    interface Reauth {
        /** Nylas scopes asked for. */
        @WithDefault("email.read_only,calendar,contacts")
        String scopes();

        /** The Nylas provider to sign in with, if any (for example {@code exchange}). */
        Optional<String> provider();

        /** Cancel the old account (downgrade) when Nylas gives the account a new id. */
        @WithDefault("true")
        boolean downgradeOldAccount();

        @WithDefault("10m")
        Duration stateLifetime();

        /** The state cookie's Secure flag; off only for plain-http local runs. */
        @WithDefault("true")
        boolean secureCookie();
    }

    interface Token {
        /** Base64 of 32 random bytes (AES-256). No default: production must set RELINK_TOKEN_ENCRYPTION_KEY. */
        String encryptionKey();
    }
}
