package io.relink.sandbox.rest;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.relink.sandbox.service.RequestLog;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * Counts the {@code Nylas-API-Version} each API request pins ({@code api-version.2.5}, or {@code api-version.none}),
 * so tests see that clients send the version the v2 SDKs send.
 */
public class ApiVersionFilter {
    static final String HEADER = "Nylas-API-Version";

    private final RequestLog log;

    public ApiVersionFilter(RequestLog log) {
        this.log = log;
    }

    @ServerRequestFilter(preMatching = true)
    public void count(ContainerRequestContext context) {
        if (FaultFilter.isV2Api(context.getUriInfo().getPath())) {
            String version = context.getHeaderString(HEADER);
            log.count("api-version." + (version == null ? "none" : version.matches("[0-9]{1,2}\\.[0-9]{1,2}") ? version : "malformed"));
        }
    }
}
