package io.relink.console.config;

import java.time.LocalDate;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the console finds the other services, the key it calls them with, and what its charts measure against. */
@ConfigMapping(prefix = "relink.console")
public interface ConsoleConfig {
    /** The scanner's base URL (RELINK_CONSOLE_SCANNER_URL), e.g. http://scanner-service:8081. */
    String scannerUrl();

    /** The notifier's base URL. */
    String notifierUrl();

    /** The reauth service's base URL (its admin API, not its public address). */
    String reauthUrl();

    /**
     * The admin key the console calls the three services with; each service lists its label in
     * {@code relink.admin.actor-keys}, so what a person does is recorded under their name. No default in production.
     */
    String serviceKey();

    /**
     * The key (32 characters or more) that encrypts the session cookie's tokens and the sign-in's PKCE verifier
     * (RELINK_CONSOLE_SESSION_SECRET); quarkus-oidc reads it through application.properties. Every replica needs the same.
     */
    String sessionSecret();

    /** The ID token's claim that holds the person's roles ({@code viewer}, {@code operator}); read by quarkus-oidc. */
    @WithDefault("roles")
    String rolesClaim();

    /** The day the campaign must be done by (the migrations chart counts down to it); none: no deadline shown. */
    Optional<LocalDate> deadline();

    /** The runbook the problems page links to for dead letters. */
    @WithDefault("https://github.com/relink-io/relink/blob/main/deploy/README.md#relinkdeadletterqueuegrowing")
    String runbookUrl();
}
