package io.relink.platform.security;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "relink.admin")
public interface AdminConfig {
    /**
     * The bearer token admin endpoints require, known as "admin" in the records of who did what. No default:
     * production must set RELINK_ADMIN_API_KEY.
     */
    String apiKey();

    /**
     * More keys, each under a label that the records of who approved or paused what name ({@code relink.admin.api-keys.<label>},
     * RELINK_ADMIN_API_KEYS_<LABEL>): one per operator or team, so each can be revoked alone.
     */
    Map<String, String> apiKeys();

    /**
     * Labels of keys that act for a signed-in person and name them in the {@code Relink-Actor} header (the console's,
     * {@code relink.admin.actor-keys=console}): what such a request does is recorded under that person's name. Any other
     * key sending the header is refused (403), so no automation can pass itself off as a person.
     */
    Optional<Set<String>> actorKeys();
}
