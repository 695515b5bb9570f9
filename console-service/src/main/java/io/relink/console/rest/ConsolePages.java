package io.relink.console.rest;

import java.util.List;
import java.util.Optional;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.relink.console.client.NotifierApi;
import io.relink.console.client.ScannerApi;
import io.relink.console.config.ConsoleConfig;
import io.relink.console.service.Campaign;
import io.relink.console.service.DeadLetterCounts;
import io.relink.console.service.Person;
import io.relink.console.service.Problems;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The console's pages, for anyone with the viewer or operator role; the controls on them show only for operators
 * ({@link ConsoleActions} refuses everyone else). Server-rendered: no script is needed to read a page.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ Person.VIEWER, Person.OPERATOR })
public class ConsolePages {
    /** The locales the notifier's emails come in (platform's Languages). */
    static final List<String> LOCALES = List.of("en", "de", "fr", "es", "pt-BR", "it", "nl", "ja");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(Campaign.Overview overview, String notice, String error);

        static native TemplateInstance scans(List<ScannerApi.Scan> scans, Optional<Campaign.Progress> progress, String notice, String error);

        static native TemplateInstance domains(List<NotifierApi.Domain> domains, String notice, String error);

        static native TemplateInstance domain(NotifierApi.Domain domain, List<String> locales, String notice, String error);

        static native TemplateInstance campaign(NotifierApi.CampaignState state, List<NotifierApi.Approval> approvals, String notice, String error);

        static native TemplateInstance accounts(String q, String status, ScannerApi.AccountPage page, Integer nextPage, String notice, String error);

        static native TemplateInstance account(ScannerApi.Account account, List<NotifierApi.Notification> emails,
                List<Campaign.TimelineEntry> timeline, String notice, String error);

        static native TemplateInstance problems(List<Problems.Group> failed, List<Problems.Group> bounced, List<Problems.Refusal> refusals,
                List<DeadLetterCounts.Count> deadLetters, String runbookUrl, String notice, String error);
    }

    private final Campaign campaign;
    private final DeadLetterCounts deadLetters;
    private final ConsoleConfig config;

    public ConsolePages(Campaign campaign, DeadLetterCounts deadLetters, ConsoleConfig config) {
        this.campaign = campaign;
        this.deadLetters = deadLetters;
        this.config = config;
    }

    @GET
    public TemplateInstance overview(@RestQuery String notice, @RestQuery String error) {
        return Templates.overview(campaign.overview(), notice, error);
    }

    @GET
    @Path("/scans")
    public TemplateInstance scans(@RestQuery String notice, @RestQuery String error) {
        List<ScannerApi.Scan> scans = campaign.scans();
        return Templates.scans(scans, Campaign.progress(scans), notice, error);
    }

    /** The newest scan's progress, polled by console.js while it runs. */
    @GET
    @Path("/scans/progress")
    @Produces(MediaType.APPLICATION_JSON)
    public Response progress() {
        return campaign.progress().map(p -> Response.ok(p)).orElse(Response.noContent()).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/domains")
    public TemplateInstance domains(@RestQuery String notice, @RestQuery String error) {
        return Templates.domains(campaign.domains(), notice, error);
    }

    @GET
    @Path("/domains/{domain}")
    public TemplateInstance domain(@RestPath String domain, @RestQuery String notice, @RestQuery String error) {
        return Templates.domain(campaign.domain(domain), LOCALES, notice, error);
    }

    @GET
    @Path("/campaign")
    public TemplateInstance campaignPage(@RestQuery String notice, @RestQuery String error) {
        return Templates.campaign(campaign.state(), campaign.approvals(), notice, error);
    }

    /** The pause switch as everyone sees it now, polled by console.js so that all open pages agree. */
    @GET
    @Path("/campaign/state")
    @Produces(MediaType.APPLICATION_JSON)
    public Response state() {
        return Response.ok(campaign.state()).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/accounts")
    public TemplateInstance accounts(@RestQuery String q, @RestQuery String status, @RestQuery Integer page, @RestQuery String notice,
            @RestQuery String error) {
        int current = page == null ? 0 : Math.max(0, page);
        ScannerApi.AccountPage found = campaign.search(q, status, current);
        Integer next = (long) (current + 1) * found.size() < found.total() ? current + 1 : null;
        return Templates.accounts(q == null ? "" : q, status == null ? "" : status, found, next, notice, error);
    }

    @GET
    @Path("/accounts/{id}")
    public TemplateInstance account(@RestPath String id, @RestQuery String notice, @RestQuery String error) {
        ScannerApi.Account account = campaign.account(id);
        List<NotifierApi.Notification> emails = campaign.emails(account.accountId());
        return Templates.account(account, emails, campaign.timeline(account, emails), notice, error);
    }

    /**
     * The account's email as its user gets it, for the preview frame: its own CSP sandboxes it (no script, no form, an
     * origin of its own), since the email's HTML has inline styles the console's pages never allow.
     */
    @GET
    @Path("/accounts/{id}/email")
    public Response email(@RestPath String id, @RestQuery String kind) {
        NotifierApi.Preview preview = campaign.preview(id, kind == null ? "initial" : kind);
        return Response.ok(preview.html()).header(SecurityHeaders.PREVIEW_MARKER, "true").build();
    }

    @GET
    @Path("/problems")
    public TemplateInstance problems(@RestQuery String notice, @RestQuery String error) {
        return Templates.problems(Problems.byReason(campaign.emailsWithStatus("FAILED"), false),
                Problems.byReason(campaign.emailsWithStatus("BOUNCED"), true), Problems.refusals(campaign.refusals()), deadLetters.counts(),
                config.runbookUrl(), notice, error);
    }

    /** For console.js: 204 while the session holds; 499 (from quarkus-oidc) once it has ended, so the page keeps what was typed. */
    @GET
    @Path("/session")
    public Response session() {
        return Response.noContent().header("Cache-Control", "no-store").build();
    }
}
