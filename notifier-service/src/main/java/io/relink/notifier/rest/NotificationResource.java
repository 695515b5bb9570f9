package io.relink.notifier.rest;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.relink.notifier.model.Notification;
import io.relink.notifier.model.Recipient;
import io.relink.notifier.service.Notifications;
import io.relink.platform.rest.AccountIds;
import io.relink.platform.rest.ApiError;
import io.relink.platform.rest.InvalidRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Operators: the emails of an account, the failed or bounced ones, and resending one. Admin key required. */
@Path("/api/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {
    private static final int MAX = 500;

    /**
     * An email, with the address it goes to (operators act on addresses, not account ids); {@code heldReason} says why a
     * {@code HELD} one may not go out yet ({@code ON_PREMISES}: not affected).
     */
    public record NotificationView(UUID id, String accountId, String email, Notification.Kind kind, int attempt, Notification.Status status,
            Instant dueAt, int tries, int outcomesUnknown, String lastError, String messageId, Instant sentAt, Instant createdAt,
            Notification.HoldReason heldReason) {
        static NotificationView of(Notification n, String email) {
            return new NotificationView(n.id, n.accountId, email, n.kind, n.attempt, n.status, n.dueAt, n.tries, n.outcomesUnknown,
                    n.lastError, n.messageId, n.sentAt, n.createdAt, n.status == Notification.Status.HELD ? n.heldReason : null);
        }
    }

    private final Notifications notifications;

    public NotificationResource(Notifications notifications) {
        this.notifications = notifications;
    }

    /** By account ({@code accountId}) and/or status ({@code status=FAILED}); newest first, at most 500. */
    @GET
    public List<NotificationView> list(@QueryParam("accountId") String accountId, @QueryParam("status") String status) {
        Notification.Status filter = status(status);
        if (accountId == null && filter == null) {
            throw new InvalidRequestException("give accountId, status, or both");
        }
        if (accountId != null) {
            AccountIds.require("accountId", accountId);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            String query = accountId != null && filter != null ? "accountId = ?1 and status = ?2"
                    : accountId != null ? "accountId = ?1" : "status = ?1";
            Object[] params = accountId != null && filter != null ? new Object[] { accountId, filter }
                    : new Object[] { accountId != null ? accountId : filter };
            return views(Notification.<Notification>find(query, Sort.descending("createdAt"), params).page(0, MAX).list());
        });
    }

    /** Sends a FAILED or BOUNCED email again now; 409 for any other status. */
    @POST
    @Path("/{id}/resend")
    public Response resend(@PathParam("id") String id) {
        UUID notificationId;
        try {
            notificationId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("a notification id is a UUID");
        }
        return notifications.resend(notificationId)
                .map(n -> n.status == Notification.Status.PENDING
                        ? Response.accepted(QuarkusTransaction.requiringNew().call(() -> views(List.of(n)).get(0))).build()
                        : Response.status(Response.Status.CONFLICT).entity(new ApiError("not_failed",
                                "only FAILED or BOUNCED notifications are resent; this one is " + n.status)).build())
                .orElse(Response.status(Response.Status.NOT_FOUND).entity(new ApiError("not_found", "no notification " + id)).build());
    }

    /** The emails with their recipients' addresses, read in one query; inside a transaction. */
    private static List<NotificationView> views(List<Notification> found) {
        List<String> accountIds = found.stream().map(n -> n.accountId).distinct().toList();
        Map<String, String> emails = accountIds.isEmpty() ? Map.of()
                : Recipient.<Recipient>list("accountId in ?1", accountIds).stream().collect(Collectors.toMap(r -> r.accountId, r -> r.email));
        return found.stream().map(n -> NotificationView.of(n, emails.get(n.accountId))).toList();
    }

    private static Notification.Status status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Notification.Status.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("status must be one of " + java.util.Arrays.toString(Notification.Status.values()));
        }
    }
}
