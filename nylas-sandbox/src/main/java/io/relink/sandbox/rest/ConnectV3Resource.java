package io.relink.sandbox.rest;

import java.net.URI;
import java.util.Map;

import org.jboss.resteasy.reactive.RestQuery;

import io.relink.sandbox.config.SandboxConfig;
import io.relink.sandbox.service.ConnectV3;
import io.relink.sandbox.service.ConnectV3.ApiError;
import io.relink.sandbox.service.ConnectV3.AuthRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * v3's {@code /v3/connect}: the hosted sign-in as the browser meets it ({@code auth}, then Microsoft's page on
 * another origin, then {@code callback}), the code exchange ({@code token}) and custom auth ({@code custom}).
 */
@Path("/v3/connect")
public class ConnectV3Resource {
    private final ConnectV3 connect;
    private final SandboxConfig config;

    public ConnectV3Resource(ConnectV3 connect, SandboxConfig config) {
        this.connect = connect;
        this.config = config;
    }

    @GET
    @Path("/auth")
    @Produces(MediaType.TEXT_HTML)
    public Response auth(@RestQuery("client_id") String clientId, @RestQuery("redirect_uri") String redirectUri,
            @RestQuery("response_type") String responseType, @RestQuery String provider, @RestQuery("login_hint") String loginHint,
            @RestQuery String state, @RestQuery String scope, @RestQuery("code_challenge") String codeChallenge,
            @RestQuery("code_challenge_method") String codeChallengeMethod, @Context UriInfo uri) {
        AuthRequest request = new AuthRequest(clientId, redirectUri, responseType, provider, loginHint, state, scope, codeChallenge,
                codeChallengeMethod);
        try {
            URI base = uri.getBaseUri();
            String nylas = base.getScheme() + "://" + base.getRawAuthority();
            String microsoft = config.microsoftUrl().orElseGet(() -> HostedAuthResource.otherHost(base));
            return Response.seeOther(URI.create(connect.begin(request, nylas, microsoft))).build();
        } catch (ApiError e) {
            return Response.status(e.status()).entity(HostedAuthResource.Templates.error(e.getMessage())).build();
        }
    }

    /** Microsoft sends the browser back here; Nylas sends it on to the application's callback URI. */
    @GET
    @Path("/callback")
    @Produces(MediaType.TEXT_HTML)
    public Response callback(@RestQuery String code, @RestQuery String state, @RestQuery String error) {
        try {
            return Response.seeOther(URI.create(connect.finish(state, code, error))).build();
        } catch (ApiError e) {
            return Response.status(e.status()).entity(HostedAuthResource.Templates.error(e.getMessage())).build();
        }
    }

    @POST
    @Path("/token")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> token(Map<String, String> body) {
        return connect.exchange(body == null ? Map.of() : body);
    }

    @POST
    @Path("/custom")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> custom(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, Map<String, Object> body) {
        V3Errors.requireApiKey(config, authorization);
        return V3Errors.data(connect.custom(body == null ? Map.of() : body));
    }
}
