package io.relink.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.relink.platform.rest.ApiError;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Every path under {@code /api/} is an admin or backend API: it takes {@code Authorization: Bearer <key>} with
 * {@code relink.admin.api-key} or one of the labelled {@code relink.admin.api-keys}. Anything else gets 401 before a
 * resource runs. The key's label becomes the request's principal, so records say who did what ({@link #operator}); a
 * key of {@code relink.admin.actor-keys} (the console's) names the signed-in person it acts for instead.
 */
public class AdminAuthenticationFilter {
    private static final String BEARER = "Bearer ";
    /** The label of {@code relink.admin.api-key}. */
    public static final String DEFAULT_LABEL = "admin";

    /** The person a console request acts for (their name as their identity provider gives it). */
    public static final String ACTOR_HEADER = "Relink-Actor";
    private static final int MAX_ACTOR = 200;

    private final Map<String, byte[]> keys = new LinkedHashMap<>();
    private final Set<String> actorKeys;

    public AdminAuthenticationFilter(AdminConfig config) {
        keys.put(DEFAULT_LABEL, config.apiKey().getBytes(StandardCharsets.UTF_8));
        config.apiKeys().forEach((label, key) -> keys.put(label, key.getBytes(StandardCharsets.UTF_8)));
        actorKeys = config.actorKeys().orElse(Set.of());
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
            String label = null;
            // Every key is compared, so the time taken says nothing about which one nearly matched.
            for (Map.Entry<String, byte[]> key : keys.entrySet()) {
                if (MessageDigest.isEqual(presented, key.getValue()) && label == null) {
                    label = key.getKey();
                }
            }
            if (label != null) {
                String actor = request.getHeaderString(ACTOR_HEADER);
                if (actor == null) {
                    request.setSecurityContext(new Operator(label, request.getSecurityContext().isSecure()));
                    return null;
                }
                String name = actor.strip();
                if (!actorKeys.contains(label)) {
                    return refuse(Response.Status.FORBIDDEN, new ApiError("forbidden", "the key '" + label + "' may not act for a person ("
                            + ACTOR_HEADER + "); only the keys in relink.admin.actor-keys may"));
                }
                if (name.isEmpty() || name.length() > MAX_ACTOR || name.chars().anyMatch(Character::isISOControl)) {
                    return refuse(Response.Status.BAD_REQUEST, new ApiError("invalid_request", ACTOR_HEADER + ": a person's name, 1 to "
                            + MAX_ACTOR + " characters without control characters"));
                }
                request.setSecurityContext(new Operator(name, request.getSecurityContext().isSecure()));
                return null;
            }
        }
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"relink\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("unauthorized", "This API needs the header 'Authorization: Bearer <relink.admin.api-key>'."))
                .build();
    }

    private static Response refuse(Response.Status status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }

    /** The label of the key an admin request came with, for the records of who did what. */
    public static String operator(SecurityContext context) {
        Principal principal = context == null ? null : context.getUserPrincipal();
        return principal == null ? DEFAULT_LABEL : principal.getName();
    }

    private record Operator(String label, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return () -> label;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
