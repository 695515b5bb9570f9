package io.relink.console.rest;

import java.io.InputStream;
import java.util.List;

import org.jboss.resteasy.reactive.RestQuery;

import io.relink.console.client.NotifierApi;
import io.relink.console.client.ScannerExport;
import io.relink.console.service.Campaign;
import io.relink.console.service.Csv;
import io.relink.console.service.Person;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/** Every list of the console as CSV, as support teams work in spreadsheets. */
@Path("/console/export")
@Produces("text/csv; charset=utf-8")
@RolesAllowed({ Person.VIEWER, Person.OPERATOR })
public class ConsoleExports {
    private final Campaign campaign;
    private final ScannerExport export;

    public ConsoleExports(Campaign campaign, ScannerExport export) {
        this.campaign = campaign;
        this.export = export;
    }

    @GET
    @Path("/scans.csv")
    public Response scans() {
        return csv("scans", List.of("id", "status", "trigger", "started_at", "finished_at", "pages_read", "accounts_seen", "affected",
                "newly_detected", "resolved", "failure_reason"), campaign.scans().stream().map(s -> List.<Object>of(s.id(), s.status(),
                        nz(s.trigger()), s.startedAt(), nz(s.finishedAt()), s.pagesRead(), s.accountsSeen(), s.affected(), s.newlyDetected(),
                        s.resolved(), nz(s.failureReason()))).toList());
    }

    @GET
    @Path("/domains.csv")
    public Response domains() {
        return csv("domains", List.of("domain", "classification", "policy", "locale", "detected", "approved", "awaiting_approval", "held",
                "notified", "migrated", "failed", "bounced"), campaign.domains().stream().map(d -> List.<Object>of(d.domain(), d.classification(),
                        nz(d.policy()), nz(d.locale()), d.counts().detected(), d.counts().approved(), d.counts().awaitingApproval(),
                        d.counts().held(), d.counts().notified(), d.counts().migrated(), d.counts().failed(), d.counts().bounced())).toList());
    }

    @GET
    @Path("/approvals.csv")
    public Response approvals() {
        return csv("approvals", List.of("approved_at", "approved_by", "scope", "domain", "accounts_approved"), campaign.approvals().stream()
                .map(a -> List.<Object>of(a.approvedAt(), a.approvedBy(), a.scope(), nz(a.domain()), a.approved())).toList());
    }

    /** The accounts a search finds, all of them: the scanner's own CSV, streamed through. */
    @GET
    @Path("/accounts.csv")
    public Response accounts(@RestQuery String q, @RestQuery String status) {
        InputStream csv = export.accounts(q, status);
        StreamingOutput body = out -> {
            try (csv) {
                csv.transferTo(out);
            }
        };
        return Response.ok(body).header("Content-Disposition", "attachment; filename=\"relink-accounts.csv\"").build();
    }

    /** Emails that FAILED or BOUNCED, the problems page's lists. */
    @GET
    @Path("/emails-{status:failed|bounced}.csv")
    public Response emails(@PathParam("status") String status) {
        List<NotifierApi.Notification> emails = campaign.emailsWithStatus(status.toUpperCase(java.util.Locale.ROOT));
        return csv("emails-" + status, List.of("notification_id", "account_id", "email", "kind", "attempt", "status", "created_at", "tries", "last_error"),
                emails.stream().map(n -> List.<Object>of(n.id(), n.accountId(), nz(n.email()), n.kind(), n.attempt(), n.status(), n.createdAt(), n.tries(),
                        nz(n.lastError()))).toList());
    }

    @GET
    @Path("/refusals.csv")
    public Response refusals() {
        return csv("refusals", List.of("refusal", "count_30_days", "last"),
                campaign.refusals().stream().map(r -> List.<Object>of(r.refusal(), r.count(), r.last())).toList());
    }

    private static Object nz(Object value) {
        return value == null ? "" : value;
    }

    private static Response csv(String name, List<String> header, List<List<Object>> rows) {
        return Response.ok(Csv.of(header, rows)).header("Content-Disposition", "attachment; filename=\"relink-" + name + ".csv\"").build();
    }
}
