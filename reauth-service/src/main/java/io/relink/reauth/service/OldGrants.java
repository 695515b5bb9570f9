package io.relink.reauth.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.nylas.NylasCallException;
import io.relink.nylas.NylasClient;
import io.relink.nylas.NylasConfig;
import io.relink.nylas.NylasConfig.Api;
import io.relink.reauth.model.Migration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

/**
 * Deletes the old v3 grants that {@code relink.reauth.old-grant=delete-after:<duration>} made due. Each due grant is
 * claimed for {@link #LEASE} in a transaction (so replicas share the work and a crash retries it), deleted with
 * {@code DELETE /v3/grants/{id}} outside any transaction, and the outcome recorded: {@code DELETED}, or
 * {@code ALREADY_GONE} when Nylas has no such grant (a repeat after a crash, or someone deleted it first), so a grant is
 * deleted once. A failure is recorded and tried again later, backing off from one minute to an hour.
 */
@ApplicationScoped
public class OldGrants {
    private static final Logger LOG = Logger.getLogger(OldGrants.class);
    static final Duration LEASE = Duration.ofMinutes(5);
    private static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    private static final Duration LONGEST_RETRY = Duration.ofHours(1);
    private static final int BATCH = 50;

    private final NylasClient nylas;
    private final NylasConfig nylasConfig;
    private final Clock clock;
    private final EntityManager entityManager;

    public OldGrants(NylasClient nylas, NylasConfig nylasConfig, Clock clock, EntityManager entityManager) {
        this.nylas = nylas;
        this.nylasConfig = nylasConfig;
        this.clock = clock;
        this.entityManager = entityManager;
    }

    @Scheduled(every = "${relink.reauth.old-grant-interval}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deleteDue() {
        if (nylasConfig.api() == Api.V3) {
            deleteDue(clock.instant());
        }
    }

    /** Deletes what is due at {@code now}; returns how many grants it settled (deleted or found gone). */
    public int deleteDue(Instant now) {
        int settled = 0;
        for (String grantId : claimDue(now)) {
            try {
                boolean deleted = nylas.deleteGrant(grantId);
                record(grantId, deleted ? "DELETED" : "ALREADY_GONE", null);
                LOG.infof("old grant %s %s", grantId, deleted ? "deleted" : "was gone already");
                settled++;
            } catch (NylasCallException | IllegalStateException e) {
                record(grantId, null, e.getMessage());
                LOG.warnf("old grant %s not deleted, to be tried again: %s", grantId, e.getMessage());
            }
        }
        return settled;
    }

    /** The due grants, each pushed a lease ahead so no other replica takes it meanwhile. */
    private List<String> claimDue(Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Migration> due = entityManager.createQuery("select m from Migration m where m.oldGrantDeleteAt <= :now"
                    + " and m.oldGrantDeletedAt is null order by m.oldGrantDeleteAt", Migration.class)
                    .setParameter("now", now).setMaxResults(BATCH).setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .setHint("jakarta.persistence.lock.timeout", -2) // SKIP LOCKED: another replica has them
                    .getResultList();
            due.forEach(m -> m.oldGrantDeleteAt = now.plus(LEASE));
            return due.stream().map(m -> m.accountId).toList();
        });
    }

    private void record(String grantId, String outcome, String error) {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            Migration m = Migration.findById(grantId);
            m.oldGrantAttempts++;
            if (outcome != null) {
                m.oldGrantDeletedAt = now;
                m.oldGrantOutcome = outcome;
                m.oldGrantLastError = null;
                m.oldGrantDeleteAt = null;
            } else {
                m.oldGrantLastError = error;
                long factor = 1L << Math.min(m.oldGrantAttempts - 1, 6);
                Duration backoff = FIRST_RETRY.multipliedBy(factor);
                m.oldGrantDeleteAt = now.plus(backoff.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : backoff);
            }
        });
    }
}
