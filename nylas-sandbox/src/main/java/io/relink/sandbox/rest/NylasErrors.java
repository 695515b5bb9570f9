package io.relink.sandbox.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.relink.sandbox.config.SandboxConfig;
import io.relink.sandbox.service.HostedAuth.NylasError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Errors in Nylas's form, {@code {"message": ..., "type": ...}}, and the application's Basic authentication. */
public class NylasErrors {

    @ServerExceptionMapper
    public Response map(NylasError error) {
        return response(error.status(), error.type(), error.getMessage());
    }

    @ServerExceptionMapper
    public Response map(IllegalArgumentException error) {
        return response(400, "invalid_request_error", error.getMessage());
    }

    static Response response(int status, String type, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("message", message, "type", type)).build();
    }

    /** Basic auth with the client secret as the user name and an empty password, for {@code clientId}. */
    static void requireApplication(SandboxConfig config, String clientId, String authorization) {
        boolean ok = false;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                byte[] presented = Base64.getDecoder().decode(authorization.substring(6).trim());
                byte[] expected = (config.clientSecret() + ":").getBytes(StandardCharsets.UTF_8);
                ok = MessageDigest.isEqual(presented, expected);
            } catch (IllegalArgumentException e) {
                ok = false;
            }
        }
        if (!ok || !config.clientId().equals(clientId)) {
            throw new NylasError(401, "invalid_request_error", "Could not verify access credential.");
        }
    }
}
