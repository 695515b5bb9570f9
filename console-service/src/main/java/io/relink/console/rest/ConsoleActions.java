package io.relink.console.rest;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;

import io.relink.console.client.NotifierApi;
import io.relink.console.service.Campaign;
import io.relink.console.service.Person;
import io.relink.console.service.ServiceCall;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * What operators do, each a form POST with the CSRF token (quarkus-rest-csrf checks it before this runs), answered
 * with a redirect to the page it came from and a notice of what happened (post/redirect/get). The services record the
 * signed-in person as who did it. Viewers get 403.
 */
@Path("/console")
@RolesAllowed(Person.OPERATOR)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class ConsoleActions {
    private static final Logger LOG = Logger.getLogger(ConsoleActions.class);

    private final Campaign campaign;
    private final Person person;

    public ConsoleActions(Campaign campaign, Person person) {
        this.campaign = campaign;
        this.person = person;
    }

    @POST
    @Path("/scans")
    public Response startScan() {
        return act("/console/scans", "start a scan", () -> "Scan " + campaign.startScan().id() + " started.");
    }

    @POST
    @Path("/domains/{domain}/approve")
    public Response approve(@RestPath String domain) {
        return act(domainPage(domain), "approve " + domain, () -> {
            int approved = campaign.approveDomain(domain).approved();
            return "Approved " + accounts(approved) + " of " + domain + "; " + whenTheyGoOut(campaign.domain(domain));
        });
    }

    @POST
    @Path("/approvals/all")
    public Response approveAll() {
        return act("/console/domains", "approve every awaiting account", () -> {
            int approved = campaign.approveAll().approved();
            return "Approved " + accounts(approved) + " of every domain; " + (campaign.state().paused()
                    ? "their emails go out when sending resumes." : "their emails go out now (excluded and on-premises domains stay held).");
        });
    }

    @POST
    @Path("/domains/{domain}/policy")
    public Response policy(@RestPath String domain, @RestForm String policy) {
        return act(domainPage(domain), "set the policy of " + domain, () -> {
            campaign.setPolicy(domain, policy);
            return switch (policy == null ? "" : policy) {
                case "exclude" -> domain + " is excluded: none of its users are emailed.";
                case "include" -> domain + " is included: its users are emailed whatever its classification.";
                default -> domain + " follows its classification again.";
            };
        });
    }

    @POST
    @Path("/domains/{domain}/locale")
    public Response locale(@RestPath String domain, @RestForm String locale) {
        return act(domainPage(domain), "set the language of " + domain, () -> {
            campaign.setLocale(domain, locale);
            return locale == null || locale.isBlank() ? domain + " gets emails in the default language." : domain + " gets emails in " + locale + ".";
        });
    }

    @POST
    @Path("/campaign/pause")
    public Response pause(@RestForm String reason) {
        return act("/console/campaign", "pause the campaign", () -> {
            campaign.pause(reason);
            return "Paused: no email leaves until someone resumes.";
        });
    }

    @POST
    @Path("/campaign/resume")
    public Response resume() {
        return act("/console/campaign", "resume the campaign", () -> {
            campaign.resume();
            return "Resumed: emails go out again at the rate limits' pace.";
        });
    }

    @POST
    @Path("/accounts/{id}/test")
    public Response sendTest(@RestPath String id, @RestForm String to, @RestForm String kind) {
        return act("/console/accounts/" + id, "send a test copy", () -> {
            campaign.sendTest(id, to == null ? null : to.strip(), kind);
            return "A test copy is on its way to " + to.strip() + "; its link cannot migrate anything.";
        });
    }

    @POST
    @Path("/accounts/{id}/resend")
    public Response resend(@RestPath String id, @RestForm String notification) {
        return act("/console/accounts/" + id, "resend an email", () -> {
            UUID notificationId;
            try {
                notificationId = UUID.fromString(notification == null ? "" : notification);
            } catch (IllegalArgumentException e) {
                throw new ServiceCall.Failed(400, "that is not an email of this account");
            }
            campaign.resend(notificationId);
            return "The email is being sent again.";
        });
    }

    /** What an approval leads to, so the notice never promises emails that a pause or the domain's policy holds. */
    private String whenTheyGoOut(NotifierApi.Domain domain) {
        if ("EXCLUDE".equals(domain.policy())) {
            return "their emails stay held while the domain is excluded.";
        }
        if ("ON_PREMISES".equals(domain.classification()) && !"INCLUDE".equals(domain.policy())) {
            return "their emails stay held: the domain is on-premises (Include it to email them).";
        }
        return campaign.state().paused() ? "their emails go out when sending resumes." : "their emails go out now.";
    }

    private static String accounts(long count) {
        return count == 1 ? "1 account" : count + " accounts";
    }

    private static String domainPage(String domain) {
        return "/console/domains/" + URLEncoder.encode(domain, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Response act(String page, String what, Supplier<String> action) {
        String query;
        try {
            String notice = action.get();
            LOG.infof("%s: %s", person.actor().orElse("?"), what);
            query = "?notice=" + URLEncoder.encode(notice, StandardCharsets.UTF_8);
        } catch (ServiceCall.Failed e) {
            query = "?error=" + URLEncoder.encode("Could not " + what + ": " + e.getMessage(), StandardCharsets.UTF_8);
        }
        return Response.seeOther(URI.create(page + query)).build();
    }
}
