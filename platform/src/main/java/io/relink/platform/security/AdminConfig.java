package io.relink.platform.security;

import java.util.Map;

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
}
