package io.relink.platform.inbox;

import java.time.Clock;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * The idempotent consumer's memory: call {@link #firstDelivery} in the transaction that applies an event's
 * effect. A redelivered or replayed event finds its id recorded and is skipped.
 */
@ApplicationScoped
public class ProcessedEvents {
    private static final Logger LOG = Logger.getLogger(ProcessedEvents.class);

    private final EntityManager entityManager;
    private final InboxConfig config;
    private final Clock clock;

    public ProcessedEvents(EntityManager entityManager, InboxConfig config, Clock clock) {
        this.entityManager = entityManager;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${relink.inbox.purge-interval}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeOnSchedule() {
        purgeExpired();
    }

    /** Forgets ids older than {@code relink.inbox.retention}, which no topic holds any more. Returns how many. */
    public int purgeExpired() {
        int purged = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createNativeQuery("DELETE FROM processed_event WHERE processed_at < :before")
                .setParameter("before", clock.instant().minus(config.retention())).executeUpdate());
        if (purged > 0) {
            LOG.infof("forgot %d processed event ids older than %s", purged, config.retention());
        }
        return purged;
    }

    /** Records the event for {@code consumer}; true the first time, false for every repeat. */
    @Transactional(TxType.MANDATORY)
    public boolean firstDelivery(String consumer, UUID eventId) {
        return entityManager.createNativeQuery(
                "INSERT INTO processed_event (consumer, event_id) VALUES (:consumer, :eventId) ON CONFLICT DO NOTHING")
                .setParameter("consumer", consumer)
                .setParameter("eventId", eventId)
                .executeUpdate() == 1;
    }
}
