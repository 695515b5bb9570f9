package io.relink.scanner.rest;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

import io.relink.nylas.NylasClient;
import io.relink.nylas.NylasConfig.Api;
import io.relink.platform.rest.ApiError;
import io.relink.scanner.service.GrantWebhooks;
import io.relink.scanner.service.GrantWebhooks.MalformedNotificationException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Nylas v3 webhooks: {@code GET /webhooks/nylas?challenge=} (Nylas's check when the webhook is created, answered
 * with the value), {@code POST /webhooks/nylas} (a notification, refused with 401 and nothing recorded unless its
 * {@code X-Nylas-Signature} verifies). The path is public, as Nylas calls it; its signature is its authentication.
 * Operators see what each notification did at {@link WebhookDeliveriesResource}.
 */
@Path("/webhooks/nylas")
public class WebhookResource {
    private final GrantWebhooks webhooks;
    private final NylasClient nylas;

    public WebhookResource(GrantWebhooks webhooks, NylasClient nylas) {
        this.webhooks = webhooks;
        this.nylas = nylas;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response challenge(@RestQuery String challenge) {
        if (nylas.api() != Api.V3) {
            return notOnV2();
        }
        if (challenge == null || challenge.isEmpty() || challenge.length() > 512) {
            return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError("invalid_request", "Nylas checks a webhook with ?challenge=<value>, answered with the value")).build();
        }
        return Response.ok(challenge).build();
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response notification(byte[] body, @RestHeader("X-Nylas-Signature") String signature) {
        if (nylas.api() != Api.V3) {
            return notOnV2();
        }
        // Verified before anything is read from the body: an unsigned body is not Nylas's.
        if (body == null || !webhooks.signedByNylas(body, signature)) {
            return Response.status(401).entity(new ApiError("bad_signature",
                    "X-Nylas-Signature must be the hex HMAC-SHA256 of the body with the webhook's secret")).build();
        }
        try {
            return Response.ok(java.util.Map.of("result", webhooks.record(body).name())).build();
        } catch (MalformedNotificationException e) {
            return Response.status(400).entity(new ApiError("malformed_notification", e.getMessage())).build();
        }
    }

    private static Response notOnV2() {
        return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("not_found", "webhooks are read on Nylas v3 only (relink.nylas.api=v3)")).build();
    }
}
