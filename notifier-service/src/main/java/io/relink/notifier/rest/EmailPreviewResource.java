package io.relink.notifier.rest;

import java.util.Locale;

import io.relink.events.EmailAddresses;
import io.relink.notifier.model.Notification;
import io.relink.notifier.service.EmailPreviews;
import io.relink.platform.rest.AccountIds;
import io.relink.platform.rest.ApiError;
import io.relink.platform.rest.InvalidRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Operators look at an account's email before anyone is sent one, and send a test copy to themselves. Both carry a
 * link marked as a test, which cannot migrate anything. Admin key required.
 */
@Path("/api/accounts/{accountId}/email")
@Produces(MediaType.APPLICATION_JSON)
public class EmailPreviewResource {
    /** {@code {"to": "me@customer.com", "kind": "initial"}}; kind defaults to initial. */
    public record TestSendRequest(String to, String kind) {
    }

    private final EmailPreviews previews;

    public EmailPreviewResource(EmailPreviews previews) {
        this.previews = previews;
    }

    /** The account's email ({@code kind}: initial, reminder or confirmation), rendered in its language: HTML and text. */
    @GET
    public Response preview(@PathParam("accountId") String accountId, @QueryParam("kind") String kind) {
        AccountIds.require("accountId", accountId);
        return previews.preview(accountId, kind(kind)).map(p -> Response.ok(p).build()).orElseGet(() -> unknown(accountId));
    }

    /** Sends a test copy of the account's email to {@code to} (202); the user gets nothing. */
    @POST
    @Path("/test")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response sendTest(@PathParam("accountId") String accountId, TestSendRequest request) {
        AccountIds.require("accountId", accountId);
        if (request == null || request.to() == null || !EmailAddresses.isPlain(request.to().trim())) {
            throw new InvalidRequestException("to: one plain email address, such as ops@example.com");
        }
        return previews.sendTest(accountId, kind(request.kind()), request.to().trim()).map(p -> Response.accepted(p).build())
                .orElseGet(() -> unknown(accountId));
    }

    private static Notification.Kind kind(String value) {
        if (value == null || value.isBlank()) {
            return Notification.Kind.INITIAL;
        }
        try {
            return Notification.Kind.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("kind must be initial, reminder or confirmation");
        }
    }

    private static Response unknown(String accountId) {
        return Response.status(Response.Status.NOT_FOUND).entity(new ApiError("not_found", "no detected account " + accountId)).build();
    }
}
