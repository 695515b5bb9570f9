package io.relink.platform.security;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "relink.admin")
public interface AdminConfig {
    /** The bearer token admin endpoints require. No default: production must set RELINK_ADMIN_API_KEY. */
    String apiKey();
}
