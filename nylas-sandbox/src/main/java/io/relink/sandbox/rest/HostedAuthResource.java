package io.relink.sandbox.rest;

import java.net.URI;
import java.util.Map;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.relink.sandbox.config.SandboxConfig;
import io.relink.sandbox.service.HostedAuth;
import io.relink.sandbox.service.HostedAuth.AuthorizeRequest;
import io.relink.sandbox.service.HostedAuth.NylasError;
import io.relink.sandbox.service.HostedAuth.TokenResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Response;

/**
 * Hosted authentication at Nylas's origin: {@code /oauth/authorize} sends the browser on to Microsoft's sign-in on
 * another origin, {@code /oauth/callback} takes it back from there to the application, and {@code /oauth/token}.
 */
@Path("/oauth")
public class HostedAuthResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(String message);
    }

    private final HostedAuth hostedAuth;
    private final SandboxConfig config;

    public HostedAuthResource(HostedAuth hostedAuth, SandboxConfig config) {
        this.hostedAuth = hostedAuth;
        this.config = config;
    }

    @GET
    @Path("/authorize")
    @Produces(MediaType.TEXT_HTML)
    public Response authorize(@RestQuery("client_id") String clientId, @RestQuery("redirect_uri") String redirectUri,
            @RestQuery("response_type") String responseType, @RestQuery String scopes, @RestQuery("login_hint") String loginHint,
            @RestQuery String state, @RestQuery String provider, @RestQuery("redirect_on_error") String redirectOnError,
            @Context UriInfo uri) {
        AuthorizeRequest request = new AuthorizeRequest(clientId, redirectUri, responseType, scopes, loginHint, state, provider,
                "true".equals(redirectOnError));
        try {
            String nylas = origin(uri.getBaseUri());
            return Response.seeOther(URI.create(hostedAuth.begin(request, nylas, config.microsoftUrl().orElseGet(() -> otherHost(uri.getBaseUri())))))
                    .build();
        } catch (NylasError e) {
            return Response.status(e.status()).entity(Templates.error(e.getMessage())).build();
        }
    }

    /** Microsoft sends the browser back here; Nylas sends it on to the application, or keeps it on its error page. */
    @GET
    @Path("/callback")
    @Produces(MediaType.TEXT_HTML)
    public Response callback(@RestQuery String code, @RestQuery String state, @RestQuery String error) {
        try {
            return Response.seeOther(URI.create(hostedAuth.finish(state, code, error))).build();
        } catch (NylasError e) {
            return Response.status(e.status()).entity(Templates.error(e.getMessage())).build();
        }
    }

    private static String origin(URI base) {
        return base.getScheme() + "://" + base.getRawAuthority();
    }

    /**
     * Without {@code relink.sandbox.microsoft-url}: this server under the other of its loopback names, so that
     * Microsoft's page is on another origin (and site) than the one the browser reached Nylas by.
     */
    static String otherHost(URI base) {
        String host = "localhost".equalsIgnoreCase(base.getHost()) ? "127.0.0.1" : "localhost";
        return base.getScheme() + "://" + host + (base.getPort() == -1 ? "" : ":" + base.getPort());
    }

    @POST
    @Path("/token")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public TokenResponse tokenFromJson(Map<String, String> body) {
        Map<String, String> b = body == null ? Map.of() : body;
        return hostedAuth.exchange(b.get("client_id"), b.get("client_secret"), b.get("grant_type"), b.get("code"), b.get("redirect_uri"));
    }

    @POST
    @Path("/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public TokenResponse tokenFromForm(@RestForm("client_id") String clientId, @RestForm("client_secret") String clientSecret,
            @RestForm("grant_type") String grantType, @RestForm String code, @RestForm("redirect_uri") String redirectUri) {
        return hostedAuth.exchange(clientId, clientSecret, grantType, code, redirectUri);
    }
}
