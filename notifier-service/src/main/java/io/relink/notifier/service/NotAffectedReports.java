package io.relink.notifier.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.events.AccountNotAffected;
import io.relink.platform.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Tells the registry which users are not emailed because their mailbox needs no migrating: each initial email held
 * {@code ON_PREMISES} (an on-premises Exchange keeps EWS, so its {@code ews} grant keeps working) becomes one
 * AccountNotAffected, through the outbox, in the transaction that marks it reported. Emails come to be held in three
 * places (intended, claimed, reconsidered after a classification or policy changes); reading the held rows covers
 * them all. Replicas share the work by row locks.
 */
@ApplicationScoped
public class NotAffectedReports {
    private static final int BATCH = 500;

    private final Outbox outbox;
    private final Clock clock;
    private final EntityManager entityManager;

    public NotAffectedReports(Outbox outbox, Clock clock, EntityManager entityManager) {
        this.outbox = outbox;
        this.clock = clock;
        this.entityManager = entityManager;
    }

    @Scheduled(every = "${relink.notify.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void reportHeld() {
        while (QuarkusTransaction.requiringNew().call(this::reportBatch) == BATCH) {
            // a full batch: more may be waiting
        }
    }

    /** Reports up to a batch of unreported held users; returns how many. */
    @SuppressWarnings("unchecked")
    private int reportBatch() {
        Instant now = clock.instant();
        List<Object[]> held = entityManager.createNativeQuery("SELECT n.id, n.account_id, r.domain, n.trace_parent FROM notification n "
                + "JOIN recipient r ON r.account_id = n.account_id WHERE n.status = 'HELD' AND n.held_reason = 'ON_PREMISES' "
                + "AND n.kind = 'INITIAL' AND n.not_affected_reported_at IS NULL ORDER BY n.created_at LIMIT :batch FOR UPDATE OF n SKIP LOCKED")
                .setParameter("batch", BATCH).getResultList();
        for (Object[] row : held) {
            outbox.publish(AccountNotAffected.of(now, (String) row[1], AccountNotAffected.Reason.ON_PREMISES, (String) row[2]), (String) row[3]);
        }
        if (!held.isEmpty()) {
            entityManager.createNativeQuery("UPDATE notification SET not_affected_reported_at = :now WHERE id = ANY(CAST(:ids AS UUID[]))")
                    .setParameter("now", now).setParameter("ids", SqlArrays.text(held.stream().map(row -> ((UUID) row[0]).toString()).toList()))
                    .executeUpdate();
        }
        return held.size();
    }
}
