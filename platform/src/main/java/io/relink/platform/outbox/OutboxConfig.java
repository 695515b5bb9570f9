package io.relink.platform.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relink.outbox")
public interface OutboxConfig {
    /** Publish at all; off only in tests that look at the outbox before it is relayed. */
    @WithDefault("true")
    boolean enabled();

    /** How often the relay looks for unsent events. */
    @WithDefault("0.2s")
    Duration interval();

    /** Rows claimed per round; a round repeats while batches come back full. */
    @WithDefault("500")
    int batchSize();

    /** How long a round waits for the broker's acknowledgements before leaving the rest for later. */
    @WithDefault("30s")
    Duration ackTimeout();

    /** The CloudEvents {@code source} of published events. */
    @WithDefault("/relink/${quarkus.application.name}")
    String source();

    /** Sent rows older than this are deleted. */
    @WithDefault("7d")
    Duration retention();
}
