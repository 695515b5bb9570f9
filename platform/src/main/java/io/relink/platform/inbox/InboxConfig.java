package io.relink.platform.inbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relink.inbox")
public interface InboxConfig {
    /**
     * How long a processed event's id is remembered. Longer than the longest topic retention (30 days in deploy/): a
     * record still on a topic can be redelivered or replayed, and must find its id to be skipped.
     */
    @WithDefault("35d")
    Duration retention();

    /** How often ids older than the retention are deleted. */
    @WithDefault("1h")
    Duration purgeInterval();
}
