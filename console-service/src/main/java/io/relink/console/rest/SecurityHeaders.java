package io.relink.console.rest;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

/**
 * Security headers of every console answer. The pages' CSP is as strict as the reauth pages': only our own scripts,
 * styles, images and fetches, forms that post only to us, never framed. The email preview gets a sandbox of its own.
 */
public class SecurityHeaders {
    /** Set by the email preview, which must keep the email's inline styles; removed before the answer leaves. */
    static final String PREVIEW_MARKER = "X-Relink-Email-Preview";
    static final String PAGES_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    static final String PREVIEW_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; "
            + "frame-ancestors 'self'; base-uri 'none'";

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (!request.getUriInfo().getPath().startsWith("/console")) {
            return;
        }
        boolean preview = response.getHeaders().remove(PREVIEW_MARKER) != null;
        response.getHeaders().putSingle("Content-Security-Policy", preview ? PREVIEW_CSP : PAGES_CSP);
        response.getHeaders().putSingle("X-Frame-Options", preview ? "SAMEORIGIN" : "DENY");
        response.getHeaders().putSingle("Referrer-Policy", "no-referrer");
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
        response.getHeaders().putSingle("Cache-Control", "no-store");
    }
}
