package io.relink.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.relink.platform.rest.ApiError;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Every path under {@code /api/} is an admin or backend API: it takes {@code Authorization: Bearer <key>}
 * with {@code relink.admin.api-key}. Anything else gets 401 before a resource runs.
 */
public class AdminAuthenticationFilter {
    private static final String BEARER = "Bearer ";

    private final byte[] apiKey;

    public AdminAuthenticationFilter(AdminConfig config) {
        this.apiKey = config.apiKey().getBytes(StandardCharsets.UTF_8);
    }

    // Pre-matching, so an unknown path under /api/ says 401 too and reveals nothing.
    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.equals("/api")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            byte[] presented = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(presented, apiKey)) {
                return null;
            }
        }
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"relink\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("unauthorized", "This API needs the header 'Authorization: Bearer <relink.admin.api-key>'."))
                .build();
    }
}
