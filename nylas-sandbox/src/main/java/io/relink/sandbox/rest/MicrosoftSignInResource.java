package io.relink.sandbox.rest;

import java.net.URI;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.relink.sandbox.service.AccountStore;
import io.relink.sandbox.service.HostedAuth.NylasError;
import io.relink.sandbox.service.MicrosoftIdentity;
import io.relink.sandbox.service.MicrosoftIdentity.Request;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Microsoft's sign-in page, served for the browser on an origin other than Nylas's (see
 * {@code relink.sandbox.microsoft-url}): Accept or Cancel, then back to Nylas (hosted authentication) or to the
 * customer's app (native authentication). Like Microsoft's, the page sets no CSP that would stop its form's redirect
 * chain.
 */
@Path("/{tenant}/oauth2/v2.0/authorize")
@Produces(MediaType.TEXT_HTML)
public class MicrosoftSignInResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signIn(Request request, String email, boolean known);
    }

    private final MicrosoftIdentity microsoft;
    private final AccountStore accounts;

    public MicrosoftSignInResource(MicrosoftIdentity microsoft, AccountStore accounts) {
        this.microsoft = microsoft;
        this.accounts = accounts;
    }

    @GET
    public Response page(@RestQuery("client_id") String clientId, @RestQuery("redirect_uri") String redirectUri,
            @RestQuery("response_type") String responseType, @RestQuery String scope, @RestQuery("login_hint") String loginHint,
            @RestQuery String state, @RestQuery("code_challenge") String codeChallenge,
            @RestQuery("code_challenge_method") String codeChallengeMethod) {
        Request request = new Request(clientId, redirectUri, responseType, scope, loginHint, state, codeChallenge, codeChallengeMethod);
        try {
            microsoft.validate(request);
        } catch (NylasError e) {
            return Response.status(e.status()).entity(HostedAuthResource.Templates.error(e.getMessage())).build();
        }
        String email = loginHint == null ? "" : loginHint;
        return Response.ok(Templates.signIn(request, email, !email.isEmpty() && accounts.byEmail(email).isPresent())).build();
    }

    /** The page's answer: Accept (as the mailbox in the form) or Cancel. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response decide(@RestForm("client_id") String clientId, @RestForm("redirect_uri") String redirectUri,
            @RestForm("response_type") String responseType, @RestForm String scope, @RestForm String email, @RestForm String state,
            @RestForm("code_challenge") String codeChallenge, @RestForm("code_challenge_method") String codeChallengeMethod,
            @RestForm String decision) {
        Request request = new Request(clientId, redirectUri, responseType, scope, email, state, blankToNull(codeChallenge),
                blankToNull(codeChallengeMethod));
        try {
            String location = "accept".equals(decision) ? microsoft.accept(request, email) : microsoft.cancel(request);
            return Response.seeOther(URI.create(location)).build();
        } catch (NylasError e) {
            return Response.status(e.status()).entity(HostedAuthResource.Templates.error(e.getMessage())).build();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
