package io.relink.platform.inbox;

import java.util.UUID;

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
    private final EntityManager entityManager;

    public ProcessedEvents(EntityManager entityManager) {
        this.entityManager = entityManager;
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
