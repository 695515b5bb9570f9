package io.relink.reauth.rest;

import java.net.URI;
import java.util.Locale;

import org.jboss.resteasy.reactive.RestCookie;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.qute.i18n.Localized;
import io.quarkus.qute.i18n.MessageBundles;
import io.relink.links.LinkTokens;
import io.relink.platform.brand.BrandConfig;
import io.relink.platform.i18n.Languages;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.service.BrandLogo;
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
import jakarta.ws.rs.core.HttpHeaders;
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
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ReauthPages.class);
    static final String STATE_COOKIE = "relink_reauth";

    /** What every page shows besides its own text: the brand, and the language chosen from Accept-Language. */
    public record Page(String language, String productName, String supportContact, String footer, boolean logo) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance link(Page view, String email, String action);

        static native TemplateInstance toSignIn(Page view, String signInUrl);

        static native TemplateInstance done(Page view);

        static native TemplateInstance problem(Page view, String title, String message, String retryLink);
    }

    private final HandOver handOver;
    private final ReauthConfig config;
    private final LinkTokens links;
    private final MeterRegistry metrics;
    private final BrandConfig brand;
    private final BrandLogo logo;
    private final String brandCss;

    public ReauthPages(HandOver handOver, ReauthConfig config, LinkTokens links, MeterRegistry metrics, BrandConfig brand, BrandLogo logo) {
        this.handOver = handOver;
        this.config = config;
        this.links = links;
        this.metrics = metrics;
        this.brand = brand;
        this.logo = logo;
        // The accent colour is checked (#rrggbb) at start, so it is safe in a stylesheet.
        this.brandCss = "button { background: " + brand.accentColor() + "; }\nh1 { color: " + brand.accentColor() + "; }\n";
    }

    @GET
    @Path("/{linkToken}")
    public TemplateInstance link(@PathParam("linkToken") String linkToken, @RestHeader("Accept-Language") String languages) {
        LinkTokens.Claims claims = handOver.open(linkToken);
        Page view = view(languages);
        return page(Templates.link(view, claims.email(), "/reauth/" + linkToken), view);
    }

    /** The brand's colours, from this origin (the pages' CSP allows no inline style). */
    @GET
    @Path("/brand.css")
    @Produces("text/css")
    public String brandCss() {
        return brandCss;
    }

    /** The brand's logo, fetched once and served from this origin; 404 until there is one. */
    @GET
    @Path("/brand/logo")
    public Response logo() {
        return logo.image().map(i -> Response.ok(i.bytes(), i.type()).build()).orElseGet(() -> Response.status(404).type(MediaType.TEXT_PLAIN)
                .entity("no logo").build());
    }

    private Page view(String languages) {
        return new Page(Languages.fromAcceptLanguage(languages), brand.productName(), brand.supportContact().orElse(null),
                brand.footer().orElse(null), logo.image().isPresent());
    }

    /** A page's messages in the language its view chose from Accept-Language. */
    private static TemplateInstance page(TemplateInstance template, Page view) {
        return template.setLocale(Locale.forLanguageTag(view.language()));
    }

    /**
     * The button. The answer is a page that moves on to the sign-in by itself (meta refresh), not a 303: see
     * {@link #headers} for why. A POST that another site's page made (a login-CSRF attempt) is refused.
     */
    @POST
    @Path("/{linkToken}")
    public Response start(@PathParam("linkToken") String linkToken, @RestHeader("Sec-Fetch-Site") String fetchSite,
            @RestHeader("Origin") String origin, @RestHeader("Accept-Language") String languages) {
        if (!fromOwnPage(fetchSite, origin, origin(config.publicUrl()))) {
            throw new RefusedException(Refusal.FOREIGN_SITE, null);
        }
        HandOver.Authorization authorization = handOver.start(linkToken);
        NewCookie cookie = new NewCookie.Builder(STATE_COOKIE).value(authorization.cookie()).path("/reauth")
                .httpOnly(true).secure(config.reauth().secureCookie()).sameSite(NewCookie.SameSite.LAX)
                .maxAge((int) config.reauth().stateLifetime().toSeconds()).build();
        Page view = view(languages);
        return Response.ok(page(Templates.toSignIn(view, authorization.authorizeUrl()), view)).cookie(cookie).build();
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
    public TemplateInstance done(@RestHeader("Accept-Language") String languages) {
        Page view = view(languages);
        return page(Templates.done(view), view);
    }

    /**
     * Anything unexpected behind a page: a readable page, and a log line with an error id that names neither the path
     * (it holds the link token) nor the query (the callback's code and state), which Quarkus's own handler would log.
     */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, HttpHeaders headers) {
        if (e instanceof jakarta.ws.rs.WebApplicationException web) {
            return web.getResponse();
        }
        String errorId = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "a reauth page failed (error id %s)", errorId);
        Page view = view(headers.getHeaderString(HttpHeaders.ACCEPT_LANGUAGE));
        PageMessages text = MessageBundles.get(PageMessages.class, Localized.Literal.of(view.language()));
        return Response.status(500).type(MediaType.TEXT_HTML_TYPE)
                .entity(page(Templates.problem(view, text.failed_title(), text.failed_text(), null), view)).build();
    }

    @ServerExceptionMapper
    public Response refused(RefusedException e, HttpHeaders headers) {
        Refusal refusal = e.refusal();
        Page view = view(headers.getHeaderString(HttpHeaders.ACCEPT_LANGUAGE));
        PageMessages text = MessageBundles.get(PageMessages.class, Localized.Literal.of(view.language()));
        // Operators watch these: a run of WRONG_ACCOUNT or NYLAS_FAILED means users are stuck.
        metrics.counter("relink.reauth.refusals", "reason", refusal.name()).increment();
        String retry = e.linkToken() == null ? null : "/reauth/" + e.linkToken();
        String[] words = switch (refusal) {
            case LINK_INVALID -> new String[] { text.link_invalid_title(), text.link_invalid_text() };
            case LINK_EXPIRED -> new String[] { text.link_expired_title(), text.link_expired_text(Languages.inWords(links.lifetime(),
                    text::days, text::hours, text::minutes)) };
            case ALREADY_MIGRATED -> new String[] { text.already_migrated_title(), text.already_migrated_text() };
            case TOO_MANY_STARTS -> new String[] { text.too_many_starts_title(), text.too_many_starts_text() };
            case FOREIGN_SITE -> new String[] { text.foreign_site_title(), text.foreign_site_text() };
            case HAND_OVER_IN_PROGRESS -> new String[] { text.hand_over_in_progress_title(), text.hand_over_in_progress_text() };
            case STATE_INVALID -> new String[] { text.state_invalid_title(), text.state_invalid_text() };
            case SIGN_IN_CANCELLED -> new String[] { text.sign_in_cancelled_title(), text.sign_in_cancelled_text() };
            case WRONG_ACCOUNT -> new String[] { text.wrong_account_title(), text.wrong_account_text() };
            case NYLAS_FAILED, MICROSOFT_FAILED -> new String[] { text.failed_title(), text.failed_text() };
            case SIGN_IN_NOT_CONFIRMED -> new String[] { text.sign_in_not_confirmed_title(), text.sign_in_not_confirmed_text() };
            case TEST_LINK -> new String[] { text.test_link_title(), text.test_link_text() };
        };
        int status = switch (refusal) {
            case ALREADY_MIGRATED, TEST_LINK -> 200;
            case NYLAS_FAILED, MICROSOFT_FAILED -> 502;
            case TOO_MANY_STARTS -> 429;
            case FOREIGN_SITE -> 403;
            case HAND_OVER_IN_PROGRESS -> 409;
            default -> 400;
        };
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(page(Templates.problem(view, words[0], words[1], retry), view)).build();
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
            response.getHeaders().putSingle("Vary", "Accept-Language");
        }
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
