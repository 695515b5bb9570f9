package io.relink.sandbox.rest;

import java.net.URI;
import java.util.Map;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.relink.sandbox.service.AccountStore;
import io.relink.sandbox.service.HostedAuth;
import io.relink.sandbox.service.HostedAuth.AuthorizeRequest;
import io.relink.sandbox.service.HostedAuth.NylasError;
import io.relink.sandbox.service.HostedAuth.TokenResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Hosted authentication: the sign-in page behind {@code /oauth/authorize}, and {@code /oauth/token}. */
@Path("/oauth")
public class HostedAuthResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signIn(AuthorizeRequest request, String email, boolean known);

        static native TemplateInstance error(String message);
    }

    private final HostedAuth hostedAuth;
    private final AccountStore accounts;

    public HostedAuthResource(HostedAuth hostedAuth, AccountStore accounts) {
        this.hostedAuth = hostedAuth;
        this.accounts = accounts;
    }

    @GET
    @Path("/authorize")
    @Produces(MediaType.TEXT_HTML)
    public Response authorize(@RestQuery("client_id") String clientId, @RestQuery("redirect_uri") String redirectUri,
            @RestQuery("response_type") String responseType, @RestQuery String scopes, @RestQuery("login_hint") String loginHint,
            @RestQuery String state, @RestQuery String provider) {
        AuthorizeRequest request = new AuthorizeRequest(clientId, redirectUri, responseType, scopes, loginHint, state, provider);
        try {
            hostedAuth.validate(request);
        } catch (NylasError e) {
            return Response.status(e.status()).entity(Templates.error(e.getMessage())).build();
        }
        boolean known = loginHint != null && accounts.byEmail(loginHint).isPresent();
        return Response.ok(Templates.signIn(request, loginHint == null ? "" : loginHint, known)).build();
    }

    /** The sign-in form's answer: Allow or Deny. */
    @POST
    @Path("/authorize")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response decide(@RestForm("client_id") String clientId, @RestForm("redirect_uri") String redirectUri,
            @RestForm("response_type") String responseType, @RestForm String scopes, @RestForm String email,
            @RestForm String state, @RestForm String provider, @RestForm String decision) {
        // The form sends empty hidden fields for parameters the authorize request did not have.
        AuthorizeRequest request = new AuthorizeRequest(clientId, redirectUri, responseType, blankToNull(scopes), email,
                blankToNull(state), blankToNull(provider));
        try {
            String location = "allow".equals(decision) ? hostedAuth.approve(request, email) : hostedAuth.deny(request);
            return Response.seeOther(URI.create(location)).build();
        } catch (NylasError e) {
            return Response.status(e.status()).entity(Templates.error(e.getMessage())).build();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
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
