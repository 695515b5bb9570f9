package io.relink.sandbox.rest;

import java.util.Map;

import io.relink.sandbox.service.HostedAuth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Nylas native authentication: {@code /connect/authorize} (a Microsoft refresh token for a code), {@code /connect/token}. */
@Path("/connect")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NativeAuthResource {
    private final HostedAuth auth;

    public NativeAuthResource(HostedAuth auth) {
        this.auth = auth;
    }

    @POST
    @Path("/authorize")
    public Map<String, String> authorize(Map<String, Object> body) {
        return Map.of("code", auth.connectAuthorize(body == null ? Map.of() : body));
    }

    @POST
    @Path("/token")
    public Map<String, Object> token(Map<String, String> body) {
        Map<String, String> b = body == null ? Map.of() : body;
        return auth.connectToken(b.get("client_id"), b.get("client_secret"), b.get("code"));
    }
}
