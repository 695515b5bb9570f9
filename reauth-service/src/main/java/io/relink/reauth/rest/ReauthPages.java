package io.relink.reauth.rest;

import java.net.URI;

import org.jboss.resteasy.reactive.RestCookie;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.relink.links.LinkTokens;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.service.HandOver;
import io.relink.reauth.service.HandOver.Refusal;
import io.relink.reauth.service.HandOver.RefusedException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

/**
 * What the end user sees. GET of a link only shows a page (mail scanners open every link); its button POSTs, and
 * the answer sends the browser on to the sign-in (Nylas's in hosted mode, Microsoft's in native mode); the callback
 * finishes and lands on a fixed page. Every page: no referrer, a strict CSP, nothing from third parties, and every
 * absolute URL built from {@code relink.public-url}.
 */
@Path("/reauth")
@Produces(MediaType.TEXT_HTML)
public class ReauthPages {
    static final String STATE_COOKIE = "relink_reauth";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance link(String email, String action);

        static native TemplateInstance toSignIn(String signInUrl);

        static native TemplateInstance done();

        static native TemplateInstance problem(String title, String message, String retryLink);
    }

    private final HandOver handOver;
    private final ReauthConfig config;
    private final LinkTokens links;
    private final MeterRegistry metrics;

    public ReauthPages(HandOver handOver, ReauthConfig config, LinkTokens links, MeterRegistry metrics) {
        this.handOver = handOver;
        this.config = config;
        this.links = links;
        this.metrics = metrics;
    }

    @GET
    @Path("/{linkToken}")
    public TemplateInstance link(@PathParam("linkToken") String linkToken) {
        LinkTokens.Claims claims = handOver.open(linkToken);
        return Templates.link(claims.email(), "/reauth/" + linkToken);
    }

    /**
     * The button. The answer is a page that moves on to the sign-in by itself (meta refresh), not a 303: see
     * {@link #headers} for why. A POST that another site's page made (a login-CSRF attempt) is refused.
     */
    @POST
    @Path("/{linkToken}")
    public Response start(@PathParam("linkToken") String linkToken, @RestHeader("Sec-Fetch-Site") String fetchSite,
            @RestHeader("Origin") String origin) {
        if (!fromOwnPage(fetchSite, origin, origin(config.publicUrl()))) {
            throw new RefusedException(Refusal.FOREIGN_SITE, null);
        }
        HandOver.Authorization authorization = handOver.start(linkToken);
        NewCookie cookie = new NewCookie.Builder(STATE_COOKIE).value(authorization.cookie()).path("/reauth")
                .httpOnly(true).secure(config.reauth().secureCookie()).sameSite(NewCookie.SameSite.LAX)
                .maxAge((int) config.reauth().stateLifetime().toSeconds()).build();
        return Response.ok(Templates.toSignIn(authorization.authorizeUrl())).cookie(cookie).build();
    }

    /**
     * Whether a POST came from a page of this service. Browsers say so in {@code Sec-Fetch-Site}; older ones only in
     * {@code Origin}, which is {@code null} on our own pages because they send no referrer, so that passes too.
     */
    static boolean fromOwnPage(String fetchSite, String origin, String ownOrigin) {
        if (fetchSite != null) {
            return fetchSite.equals("same-origin");
        }
        return origin == null || origin.equals("null") || origin.equalsIgnoreCase(ownOrigin);
    }

    @GET
    @Path("/callback")
    public Response callback(@RestQuery String code, @RestQuery String state, @RestQuery String error,
            @RestCookie(STATE_COOKIE) String cookie) {
        handOver.complete(code, state, error, cookie);
        metrics.counter("relink.reauth.migrations").increment();
        // A fixed page without parameters: nothing of the callback stays in the address bar or history. Absolute from
        // relink.public-url: a relative Location would be completed from the request's Host and scheme (http behind
        // a TLS ingress, or a forged Host reflected).
        return Response.seeOther(URI.create(config.absoluteUrl("/reauth/done"))).cookie(new NewCookie.Builder(STATE_COOKIE).value("")
                .path("/reauth").maxAge(0).httpOnly(true).secure(config.reauth().secureCookie()).build()).build();
    }

    @GET
    @Path("/done")
    public TemplateInstance done() {
        return Templates.done();
    }

    @ServerExceptionMapper
    public Response refused(RefusedException e) {
        Refusal refusal = e.refusal();
        // Operators watch these: a run of WRONG_ACCOUNT or NYLAS_FAILED means users are stuck.
        metrics.counter("relink.reauth.refusals", "reason", refusal.name()).increment();
        String retry = e.linkToken() == null ? null : "/reauth/" + e.linkToken();
        String[] text = switch (refusal) {
            case LINK_INVALID -> new String[] { "This link does not work",
                    "It may have been copied incompletely. Open the link from the email again, or ask for a new one." };
            case LINK_EXPIRED -> new String[] { "This link has expired", "Links work for " + links.lifetimeInWords()
                    + ". Ask for a new one; a reminder email also has a fresh link." };
            case ALREADY_MIGRATED -> new String[] { "Your mailbox is already reconnected", "There is nothing more to do." };
            case TOO_MANY_STARTS -> new String[] { "Please wait a moment", "This link was used to start signing in several times in the last minute. Try again in a minute." };
            case FOREIGN_SITE -> new String[] { "This request did not come from your reconnect page",
                    "Open the link from your email and press the button there." };
            case HAND_OVER_IN_PROGRESS -> new String[] { "Your mailbox is being reconnected in another window",
                    "Finish there, or open the link from your email again in a minute." };
            case STATE_INVALID -> new String[] { "This sign-in cannot be finished here",
                    "It was already used, took too long, or was started in another browser. Open the link from your email again." };
            case SIGN_IN_CANCELLED -> new String[] { "The sign-in was not completed", "You can start again." };
            case WRONG_ACCOUNT -> new String[] { "You signed in with a different mailbox",
                    "Start again and sign in with the mailbox the email was sent to." };
            case NYLAS_FAILED, MICROSOFT_FAILED -> new String[] { "We could not finish reconnecting your mailbox",
                    "Nothing was changed. Please start again in a few minutes." };
            case SIGN_IN_NOT_CONFIRMED -> new String[] { "This sign-in could not be confirmed",
                    "Nothing was changed. Start again from here, in the same browser." };
            case TEST_LINK -> new String[] { "This link is from a test email",
                    "The link works. It was sent to try the email out, so it cannot reconnect any mailbox." };
        };
        int status = switch (refusal) {
            case ALREADY_MIGRATED, TEST_LINK -> 200;
            case NYLAS_FAILED, MICROSOFT_FAILED -> 502;
            case TOO_MANY_STARTS -> 429;
            case FOREIGN_SITE -> 403;
            case HAND_OVER_IN_PROGRESS -> 409;
            default -> 400;
        };
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(Templates.problem(text[0], text[1], retry)).build();
    }

    /**
     * Security headers for every page under /reauth. {@code form-action 'self'}: our forms post only to us. Chrome and
     * Edge apply form-action to every redirect that follows a form submission, and Nylas sends the browser on to
     * Microsoft's sign-in or to any company's own identity provider, origins no list can name. So the button's POST
     * never redirects: it answers a page whose meta refresh starts a new navigation to the sign-in, which form-action
     * does not govern (see {@link #start}). Listing origins here instead would break every federated sign-in.
     */
    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getUriInfo().getPath().startsWith("/reauth")) {
            response.getHeaders().putSingle("Referrer-Policy", "no-referrer");
            response.getHeaders().putSingle("Content-Security-Policy",
                    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
            response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
            response.getHeaders().putSingle("Cache-Control", "no-store");
        }
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
