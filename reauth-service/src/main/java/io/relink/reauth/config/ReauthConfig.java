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
