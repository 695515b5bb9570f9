package io.relink.notifier.rest;

import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.relink.notifier.model.EmailDomain;
import io.relink.notifier.service.Campaign;
import io.relink.platform.i18n.Languages;
import io.relink.platform.rest.AccountIds;
import io.relink.platform.rest.ApiError;
import io.relink.platform.rest.InvalidRequestException;
import io.relink.platform.security.AdminAuthenticationFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Operators steer the campaign: pause and resume all sending, approve who is emailed, and set each recipient domain's
 * policy. Admin key required; the key's label is recorded as who did it.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CampaignResource {
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");
    private static final int MAX_ACCOUNTS = 10_000;

    /** {@code {"reason": "..."}}, optional. */
    public record PauseRequest(String reason) {
    }

    /** Exactly one of: {@code {"all": true}}, {@code {"domain": "contoso.com"}}, {@code {"accountIds": ["..."]}}. */
    public record ApprovalRequest(Boolean all, String domain, List<String> accountIds) {
    }

    /** {@code {"policy": "include" | "exclude" | "default"}}. */
    public record PolicyRequest(String policy) {
    }

    /** {@code {"locale": "de"}}, or {@code {"locale": null}} for the default. */
    public record LocaleRequest(String locale) {
    }

    private final Campaign campaign;

    public CampaignResource(Campaign campaign) {
        this.campaign = campaign;
    }

    /** Paused or not (who, when, why), the approval mode, and how many accounts await approval or have an email held. */
    @GET
    @Path("/campaign")
    public Campaign.State state() {
        return campaign.state();
    }

    /** Stops every send, on every replica, within a poll interval; sends already handed to SMTP finish. */
    @POST
    @Path("/campaign/pause")
    public Campaign.State pause(PauseRequest request, @Context SecurityContext security) {
        String reason = request == null ? null : request.reason();
        if (reason != null && reason.length() > 500) {
            throw new InvalidRequestException("reason: at most 500 characters");
        }
        return campaign.pause(true, AdminAuthenticationFilter.operator(security), reason);
    }

    /** Sending goes on; what fell due during the pause leaves at the rate limits' pace. */
    @POST
    @Path("/campaign/resume")
    public Campaign.State resume(@Context SecurityContext security) {
        return campaign.pause(false, AdminAuthenticationFilter.operator(security), null);
    }

    /** Approves accounts awaiting approval: all, one domain's, or listed ones; recorded, idempotent. */
    @POST
    @Path("/approvals")
    public Response approve(ApprovalRequest request, @Context SecurityContext security) {
        if (request == null) {
            throw new InvalidRequestException("send {\"all\": true}, {\"domain\": \"...\"} or {\"accountIds\": [...]}");
        }
        int given = (Boolean.TRUE.equals(request.all()) ? 1 : 0) + (request.domain() != null ? 1 : 0) + (request.accountIds() != null ? 1 : 0);
        if (given != 1) {
            throw new InvalidRequestException("give exactly one of all (true), domain, accountIds");
        }
        String operator = AdminAuthenticationFilter.operator(security);
        Campaign.ApprovalRecord record;
        if (request.domain() != null) {
            record = campaign.approve(Campaign.Scope.DOMAIN, domainName(request.domain()), null, operator);
        } else if (request.accountIds() != null) {
            if (request.accountIds().isEmpty() || request.accountIds().size() > MAX_ACCOUNTS) {
                throw new InvalidRequestException("accountIds: between 1 and " + MAX_ACCOUNTS + " account ids");
            }
            request.accountIds().forEach(id -> AccountIds.require("accountIds", id));
            record = campaign.approve(Campaign.Scope.ACCOUNTS, null, List.copyOf(request.accountIds()), operator);
        } else {
            record = campaign.approve(Campaign.Scope.ALL, null, null, operator);
        }
        return Response.ok(record).build();
    }

    /** Every approval given, newest first (at most 500). */
    @GET
    @Path("/approvals")
    public List<Campaign.ApprovalRecord> approvals() {
        return campaign.approvals(500);
    }

    /** Each recipient domain: its classification, policy and counts. */
    @GET
    @Path("/domains")
    public List<Campaign.DomainView> domains() {
        return campaign.domains(null);
    }

    @GET
    @Path("/domains/{domain}")
    public Response domain(@PathParam("domain") String domain) {
        List<Campaign.DomainView> found = campaign.domains(domainName(domain));
        return found.isEmpty() ? Response.status(Response.Status.NOT_FOUND).entity(new ApiError("not_found", "no recipient domain " + domain)).build()
                : Response.ok(found.get(0)).build();
    }

    /**
     * {@code include}: emailed whatever the classification; {@code exclude}: never emailed; {@code default}: as the
     * classification says. Takes effect at once, also for a domain no user of which has been detected yet.
     */
    @PUT
    @Path("/domains/{domain}/policy")
    public Campaign.DomainView policy(@PathParam("domain") String domain, PolicyRequest request, @Context SecurityContext security) {
        String value = request == null || request.policy() == null ? "" : request.policy().trim().toLowerCase(Locale.ROOT);
        EmailDomain.Policy policy = switch (value) {
            case "include" -> EmailDomain.Policy.INCLUDE;
            case "exclude" -> EmailDomain.Policy.EXCLUDE;
            case "default" -> null;
            default -> throw new InvalidRequestException("policy must be include, exclude or default");
        };
        return campaign.setPolicy(domainName(domain), policy, AdminAuthenticationFilter.operator(security));
    }

    /** The language of the emails to a domain's users: one of en, de, fr, es, pt-BR, it, nl, ja; null for the default. */
    @PUT
    @Path("/domains/{domain}/locale")
    public Campaign.DomainView locale(@PathParam("domain") String domain, LocaleRequest request) {
        String wanted = request == null ? null : request.locale();
        String locale = wanted == null || wanted.isBlank() ? null
                : Languages.supported(wanted).orElseThrow(() -> new InvalidRequestException("locale must be one of " + Languages.SUPPORTED
                        + ", or null"));
        return campaign.setLocale(domainName(domain), locale);
    }

    /** A domain as recipients' addresses hold it: lower case, internationalized names in their ASCII form. */
    private static String domainName(String value) {
        String domain;
        try {
            domain = IDN.toASCII(value.trim()).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("not a domain name: " + value);
        }
        if (domain.length() > 253 || !DOMAIN.matcher(domain).matches()) {
            throw new InvalidRequestException("not a domain name: " + value);
        }
        return domain;
    }
}
