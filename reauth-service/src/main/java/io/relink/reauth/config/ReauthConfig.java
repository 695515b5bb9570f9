package io.relink.reauth.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The OAuth hand-over ({@code relink.reauth.*}); the Nylas application is {@code NylasConfig} ({@code relink.nylas.*}). */
@ConfigMapping(prefix = "relink")
public interface ReauthConfig {
    /** Public base URL of this service: the links' base and the base of the one registered redirect_uri. */
    String publicUrl();

    Reauth reauth();

    Token token();

    /** An absolute URL of this service, always from {@code relink.public-url}, never from a request's Host header. */
    default String absoluteUrl(String path) {
        return publicUrl().replaceAll("/+$", "") + path;
    }

    /** The one redirect URI of both modes, registered with Nylas (hosted) or in the Azure app (native). */
    default String callbackUrl() {
        return absoluteUrl("/reauth/callback");
    }

    /** How users sign in: through Nylas's hosted page, or through the customer's own Azure app (native). */
    enum Mode {
        HOSTED, NATIVE
    }

    interface Reauth {
        /**
         * {@code hosted}: Nylas's Hosted Authentication with {@code login_hint}. {@code native}: Microsoft's OAuth with
         * the customer's own Azure app ({@code relink.microsoft.*}), then Nylas's {@code /connect}; no Nylas page.
         */
        @WithDefault("hosted")
        Mode mode();

        /**
         * The Nylas scopes to ask for (both modes), comma-separated: the same as the customer's application uses today. No default:
         * a narrower set than the application's would silently take access away (the README says how to read the
         * scopes of an existing token).
         */
        String scopes();

        /**
         * The Nylas {@code provider} for {@code /oauth/authorize}. Best left unset: Nylas then recognises a Microsoft 365
         * address from {@code login_hint} and sends the user to Microsoft's sign-in. {@code exchange} is refused at
         * start: it can show Nylas's Exchange password form, which would connect the account with a password again.
         */
        Optional<String> provider();

        /**
         * After a hand-over that keeps the account id, revoke every other token of the account ({@code revoke-all}
         * keeping the new one). Off by default: the customer's application may still hold the old token and would lose
         * access until it fetches the new one.
         */
        @WithDefault("false")
        boolean revokeOldTokens();

        /** How many sign-ins one account's links may start per minute; more get a "try again shortly" page. */
        @WithDefault("5")
        int startsPerMinute();

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
