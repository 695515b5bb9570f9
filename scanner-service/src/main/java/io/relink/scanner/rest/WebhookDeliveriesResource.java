package io.relink.scanner.rest;

import java.time.Instant;
import java.util.List;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.relink.scanner.model.WebhookDelivery;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** For operators: the Nylas webhook notifications the scanner recorded, and what applying each did. */
@Path("/api/webhooks")
public class WebhookDeliveriesResource {
    public record DeliveryView(String id, String type, String grantId, Instant receivedAt, WebhookDelivery.Status status, int attempts,
            Instant processedAt, String outcome, String lastError) {
        static DeliveryView of(WebhookDelivery d) {
            return new DeliveryView(d.id, d.type, d.grantId, d.receivedAt, d.status, d.attempts, d.processedAt, d.outcome, d.lastError);
        }
    }

    /** The latest 200 notifications and what each did, newest first. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<DeliveryView> deliveries() {
        return QuarkusTransaction.requiringNew().call(() -> WebhookDelivery.<WebhookDelivery>findAll(Sort.descending("receivedAt")).page(0, 200)
                .list().stream().map(DeliveryView::of).toList());
    }

}
