package io.relink.platform.outbox;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.hibernate.Session;

import io.relink.events.EventCodec;
import io.relink.events.RelinkEvent;
import io.relink.platform.tracing.AccountTraces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * Records events in the caller's transaction, so that they are published if and only if the change they
 * describe commits. {@link OutboxRelay} does the publishing.
 *
 * <p>Rows are written with one JDBC batch on the transaction's own connection rather than as entities: a scan
 * records hundreds of events per transaction, and the entity path (id allocation, persistence context, dirty
 * checking at flush) cost more than the inserts themselves.
 */
@ApplicationScoped
public class Outbox {
    // The id comes from the column's default (the outbox sequence), so ids follow insertion order.
    private static final String INSERT = "INSERT INTO outbox_event (event_id, topic, message_key, ce_type, occurred_at, payload, created_at,"
            + " trace_parent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private final EntityManager entityManager;
    private final Clock clock;

    public Outbox(EntityManager entityManager, Clock clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    @Transactional(TxType.MANDATORY)
    public void publish(RelinkEvent event) {
        publishAll(List.of(event));
    }

    /** An event of work whose span is not the current one: {@code traceParent} names it (null for none). */
    @Transactional(TxType.MANDATORY)
    public void publish(RelinkEvent event, String traceParent) {
        record(List.of(event), traceParent);
    }

    /**
     * Records the events in the order given, which is the order the relay publishes them in. They continue the
     * trace of the current span, the work that caused them.
     */
    @Transactional(TxType.MANDATORY)
    public void publishAll(List<? extends RelinkEvent> events) {
        record(events, AccountTraces.current());
    }

    private void record(List<? extends RelinkEvent> events, String traceParent) {
        if (events.isEmpty()) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (RelinkEvent event : events) {
                    insert.setObject(1, event.eventId());
                    insert.setString(2, event.type().topic());
                    insert.setString(3, event.accountId());
                    insert.setString(4, event.type().ceType());
                    insert.setObject(5, OffsetDateTime.ofInstant(event.occurredAt(), ZoneOffset.UTC));
                    insert.setBytes(6, EventCodec.write(event));
                    insert.setObject(7, now);
                    insert.setString(8, traceParent);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }
}
