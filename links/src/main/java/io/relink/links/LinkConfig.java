package io.relink.links;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Link-signing keys shared by the notifier (signs) and reauth (verifies). No defaults: a production service
 * without keys does not start. Rotate by adding a key, making it active, and removing the old one after the
 * link lifetime has passed.
 */
@ConfigMapping(prefix = "relink.link")
public interface LinkConfig {
    /** Key id to secret ({@code relink.link.keys.k1=...}); each secret at least 32 characters. */
    Map<String, String> keys();

    /** The key id new links are signed with. */
    String activeKey();

    /** How long a link works. */
    @WithDefault("14d")
    Duration lifetime();
}
