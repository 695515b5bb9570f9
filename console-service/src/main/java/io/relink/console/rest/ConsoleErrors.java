package io.relink.console.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.relink.console.service.ServiceCall;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Readable pages for what went wrong: a service's refusal or absence, and a person without the role for a page or action. */
public class ConsoleErrors {
    @CheckedTemplate
    static class Templates {
        static native TemplateInstance problem(int status, String heading, String message);
    }

    @ServerExceptionMapper
    public Response serviceFailed(ServiceCall.Failed e) {
        int status = e.status() == 404 ? 404 : e.status() >= 500 ? 502 : 400;
        return page(status, status == 404 ? "Not found" : "That did not work", e.getMessage());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return page(403, "Not allowed", "Your account may not do this. Viewers can look; only operators act. Ask your identity provider's "
                + "administrator for the Relink operator or viewer role.");
    }

    private static Response page(int status, String heading, String message) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(Templates.problem(status, heading, message)).build();
    }
}
