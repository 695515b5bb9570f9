package io.relink.console.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The notifier's campaign API (notifier-service/README.md), as far as the console shows and steers it. */
@RegisterRestClient(configKey = "notifier")
@RegisterClientHeaders(ServiceHeaders.class)
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface NotifierApi {
    record CampaignState(boolean paused, String changedBy, Instant changedAt, String reason, String approval, long awaitingApproval, long held,
            int ratePerMinute, int ratePerDomainPerMinute) {
    }

    record Approval(UUID id, String approvedBy, Instant approvedAt, String scope, String domain, List<String> accountIds, int approved) {
    }

    record DomainCounts(long detected, long approved, long awaitingApproval, long held, long notified, long migrated, long failed,
            long bounced) {
    }

    record Domain(String domain, String classification, Instant classifiedAt, String lookupError, String policy, String policyBy,
            Instant policyAt, String locale, DomainCounts counts) {
    }

    record Notification(UUID id, String accountId, String email, String kind, int attempt, String status, Instant dueAt, int tries, int outcomesUnknown,
            String lastError, String messageId, Instant sentAt, Instant createdAt, String heldReason) {
    }

    record Preview(String language, String from, String to, String subject, String text, String html) {
    }

    record PauseRequest(String reason) {
    }

    /** One of: {@code all} true, or a {@code domain}. */
    record ApprovalRequest(Boolean all, String domain) {
    }

    record PolicyRequest(String policy) {
    }

    record LocaleRequest(String locale) {
    }

    record TestSendRequest(String to, String kind) {
    }

    @GET
    @Path("/campaign")
    CampaignState campaign();

    @POST
    @Path("/campaign/pause")
    CampaignState pause(PauseRequest request);

    @POST
    @Path("/campaign/resume")
    CampaignState resume();

    @GET
    @Path("/approvals")
    List<Approval> approvals();

    @POST
    @Path("/approvals")
    Approval approve(ApprovalRequest request);

    @GET
    @Path("/domains")
    List<Domain> domains();

    @GET
    @Path("/domains/{domain}")
    Domain domain(@PathParam("domain") String domain);

    @PUT
    @Path("/domains/{domain}/policy")
    Domain policy(@PathParam("domain") String domain, PolicyRequest request);

    @PUT
    @Path("/domains/{domain}/locale")
    Domain locale(@PathParam("domain") String domain, LocaleRequest request);

    @GET
    @Path("/notifications")
    List<Notification> notifications(@QueryParam("accountId") String accountId, @QueryParam("status") String status);

    @POST
    @Path("/notifications/{id}/resend")
    Notification resend(@PathParam("id") UUID id);

    @GET
    @Path("/accounts/{accountId}/email")
    Preview preview(@PathParam("accountId") String accountId, @QueryParam("kind") String kind);

    @POST
    @Path("/accounts/{accountId}/email/test")
    Preview sendTest(@PathParam("accountId") String accountId, TestSendRequest request);
}
