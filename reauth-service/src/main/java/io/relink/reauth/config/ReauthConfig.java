package io.relink.reauth.config;

import java.time.Duration;
import java.util.Map;
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
         * The scopes to ask for. v2 (required there): Nylas's scopes, comma-separated, the same as the customer's
         * application uses today; no default, since a narrower set than the application's would silently take access
         * away (the README says how to read the scopes of an existing token). v3 (optional): Microsoft Graph scopes,
         * space-separated, sent as {@code scope}; unset, Nylas asks for the scopes of the application's
         * {@code microsoft} connector, which is where v3 keeps them.
         */
        Optional<String> scopes();

        /**
         * What becomes of the old grant after a v3 migration to another connector: {@code keep} (default), or
         * {@code delete-after:<duration>} ({@code delete-after:7d}), which deletes it with {@code DELETE /v3/grants/{id}}
         * once that time has passed since the migration. Deleting a grant is final: the customer's systems must have
         * moved to the new grant id by then. v2 accounts are downgraded instead ({@code downgrade-old-account}).
         */
        @WithDefault("keep")
        String oldGrant();

        /** How often old grants due for deletion are looked for (and failed deletions tried again). */
        @WithDefault("1m")
        Duration oldGrantInterval();

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

        /**
         * How long a migrated account's access token is kept (encrypted) for the customer's backend to fetch; then it
         * is deleted and {@code GET /api/migrations/{id}/token} answers 410. The backend fetches it on AccountMigrated.
         */
        @WithDefault("30d")
        Duration tokenRetention();

        /** How long the record of a failed hand-over is kept for operators. */
        @WithDefault("90d")
        Duration failureRetention();

        /** How often expired states, tokens past their retention and old failure records are deleted. */
        @WithDefault("10m")
        Duration purgeInterval();

        /** The state cookie's Secure flag; off only for plain-http local runs. */
        @WithDefault("true")
        boolean secureCookie();

        /**
         * A {@code Server-Timing} header on every answer: this service's own time and the time it waited on Nylas,
         * for the browser's developer tools and for benchmarks. Off by default: it tells anyone how long we took.
         */
        @WithDefault("false")
        boolean serverTiming();
    }

    /**
     * The keys that seal stored access tokens (and native mode's PKCE verifiers), each base64 of 32 random bytes
     * (AES-256), like the link keys: new ones are sealed with the active key, any configured key opens. No default:
     * production sets at least one.
     */
    interface Token {
        /** The key with id {@code 0}: the one key of the tokens stored before keys had ids; alone, the active key. */
        Optional<String> encryptionKey();

        /** Keys by id: {@code relink.token.keys.<id>} ({@code RELINK_TOKEN_KEYS_<ID>}). */
        Map<String, String> keys();

        /** The id of the key that seals; may be left out when there is one key. */
        Optional<String> activeKey();
    }
}
