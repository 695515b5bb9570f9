package io.relink.scanner.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Nylas v3 webhooks as a detection source ({@code relink.webhooks.*}). */
@ConfigMapping(prefix = "relink.webhooks")
public interface WebhookConfig {
    /**
     * The webhook's secret, as Nylas answers it when the webhook is created ({@code webhook_secret}); never logged.
     * Unset, every notification is refused (401): webhooks are off, and scans alone find the grants.
     */
    Optional<String> secret();

    /** How often recorded notifications are applied (and failed ones tried again). */
    @WithDefault("1s")
    Duration pollInterval();

    /** Attempts to read a notification's grant from Nylas before it is marked FAILED for operators. */
    @WithDefault("10")
    int maxAttempts();
}
