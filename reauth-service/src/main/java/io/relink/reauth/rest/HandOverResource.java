package io.relink.reauth.rest;

import static io.relink.platform.persistence.NativeColumns.instant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.relink.platform.persistence.NativeColumns;
import io.relink.platform.rest.AccountIds;
import io.relink.platform.rest.InvalidRequestException;
import io.relink.reauth.model.Migration;
import io.relink.reauth.model.OAuthState;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * What happened to an account's hand-over, for operators: each sign-in started from its link, each refusal after the
 * user came back (with its reason), and the migration; and the refusals of all accounts by reason. Kept as long as
 * {@code relink.reauth.retention} keeps states and failures.
 */
@Path("/api/handovers")
@Produces(MediaType.APPLICATION_JSON)
public class HandOverResource {
    /** {@code STARTED} (the user pressed the link page's button), {@code REFUSED}, {@code MIGRATED}. */
    public record HandOverEvent(Instant at, String type, String refusal, String detail) {
    }

    public record RefusalCount(String refusal, long count, Instant last) {
    }

    private final EntityManager entityManager;
    private final Clock clock;

    public HandOverResource(EntityManager entityManager, Clock clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /** One account's hand-over, oldest first. */
    @GET
    public List<HandOverEvent> ofAccount(@QueryParam("accountId") String accountId) {
        if (accountId == null) {
            throw new InvalidRequestException("give accountId");
        }
        AccountIds.require("accountId", accountId);
        return QuarkusTransaction.requiringNew().call(() -> {
            List<HandOverEvent> events = new ArrayList<>();
            OAuthState.<OAuthState>list("accountId", accountId).forEach(s -> events.add(new HandOverEvent(s.createdAt, "STARTED", null,
                    s.signIn == null ? null : "sign-in: " + s.signIn)));
            @SuppressWarnings("unchecked")
            List<Object[]> failures = entityManager.createNativeQuery(
                    "SELECT occurred_at, refusal, reason FROM reauth_failure WHERE account_id = :account").setParameter("account", accountId)
                    .getResultList();
            failures.forEach(f -> events.add(new HandOverEvent(instant(f[0]), f[1] == null ? "RETIREMENT_FAILED" : "REFUSED", (String) f[1],
                    (String) f[2])));
            Migration m = Migration.findById(accountId);
            if (m != null) {
                events.add(new HandOverEvent(m.migratedAt, "MIGRATED", null, "new grant " + m.newAccountId + " (" + m.provider + ")"));
            }
            events.sort(Comparator.comparing(HandOverEvent::at));
            return events;
        });
    }

    /** Refusals after sign-in in the last {@code days} (default 30), by reason, most frequent first. */
    @GET
    @Path("/refusals")
    public List<RefusalCount> refusals(@QueryParam("days") Integer days) {
        int window = days == null ? 30 : days;
        if (window < 1 || window > 366) {
            throw new InvalidRequestException("days must be between 1 and 366");
        }
        Instant since = clock.instant().minus(Duration.ofDays(window));
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("SELECT refusal, count(*), max(occurred_at) FROM reauth_failure "
                    + "WHERE refusal IS NOT NULL AND occurred_at >= :since GROUP BY refusal ORDER BY count(*) DESC, refusal")
                    .setParameter("since", since).getResultList();
            return rows.stream().map(r -> new RefusalCount((String) r[0], NativeColumns.count(r[1]), instant(r[2]))).toList();
        });
    }
}
