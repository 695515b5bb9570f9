package io.relink.platform.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.events.CloudEventHeaders;
import io.relink.platform.tracing.AccountTraces;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Publishes outbox rows in id order and marks each sent only after the broker acknowledged it. Rows are claimed
 * with {@code FOR UPDATE SKIP LOCKED}, so replicas share the work without sending a row twice; a crash before
 * the mark means the row is sent again (consumers are idempotent), never lost.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final String CLAIM = "SELECT id, event_id, topic, message_key, ce_type, occurred_at, payload, trace_parent FROM outbox_event"
            + " WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String MARK_SENT = "UPDATE outbox_event SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ANY(?)";
    private static final String MARK_FAILED = "UPDATE outbox_event SET attempts = attempts + 1, last_error = ? WHERE id = ?";

    /** A claimed row: what the broker needs of it. */
    private record PendingEvent(long id, UUID eventId, String topic, String key, String ceType, Instant occurredAt, byte[] payload,
            String traceParent) {
    }

    private final Emitter<byte[]> emitter;
    private final OutboxConfig config;
    private final EntityManager entityManager;
    private final Clock clock;
    private final AccountTraces traces;
    private final Counter published;
    private final Counter failed;
    private final AtomicLong pending = new AtomicLong();

    public OutboxRelay(@Channel("relink-outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<byte[]> emitter,
            OutboxConfig config, EntityManager entityManager, MeterRegistry registry, Clock clock, AccountTraces traces) {
        this.emitter = emitter;
        this.traces = traces;
        this.clock = clock;
        this.config = config;
        this.entityManager = entityManager;
        this.published = Counter.builder("relink.outbox.published").description("Events the broker acknowledged").register(registry);
        this.failed = Counter.builder("relink.outbox.failed").description("Publication attempts that failed and will be retried").register(registry);
        registry.gauge("relink.outbox.pending", pending);
    }

    @Scheduled(every = "${relink.outbox.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = RelayDisabled.class)
    void relay() {
        while (relayBatch() == config.batchSize()) {
            // A full batch means more are waiting: go on at once.
        }
    }

    /** Publishes one batch; returns how many rows it claimed. */
    public int relayBatch() {
        return QuarkusTransaction.requiringNew().timeout((int) config.ackTimeout().toSeconds() + 30)
                .call(() -> entityManager.unwrap(Session.class).doReturningWork(this::relayBatch));
    }

    // Plain JDBC on the transaction's connection: the relay handles every event the services write, and as
    // entities (hydration, then dirty checking of each row) it cost more CPU than the scan that wrote them.
    private int relayBatch(Connection connection) throws SQLException {
        List<PendingEvent> batch = claim(connection);
        if (batch.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        for (PendingEvent event : batch) {
            acks.add(send(event));
        }
        long deadline = System.nanoTime() + config.ackTimeout().toNanos();
        List<Long> sent = new ArrayList<>(batch.size());
        try (PreparedStatement markFailed = connection.prepareStatement(MARK_FAILED)) {
            for (int i = 0; i < batch.size(); i++) {
                PendingEvent event = batch.get(i);
                String error = awaitAck(acks.get(i), deadline);
                if (error == null) {
                    sent.add(event.id());
                    published.increment();
                } else {
                    markFailed.setString(1, error);
                    markFailed.setLong(2, event.id());
                    markFailed.addBatch();
                    failed.increment();
                    LOG.warnf("outbox event %s (%s) not acknowledged yet, will retry: %s", event.eventId(), event.ceType(), error);
                }
            }
            markFailed.executeBatch();
        }
        if (!sent.isEmpty()) { // nothing acknowledged while the broker is away
            try (PreparedStatement markSent = connection.prepareStatement(MARK_SENT)) {
                markSent.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                markSent.setArray(2, connection.createArrayOf("bigint", sent.toArray()));
                markSent.executeUpdate();
            }
        }
        return batch.size();
    }

    private List<PendingEvent> claim(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(CLAIM)) {
            select.setInt(1, config.batchSize());
            List<PendingEvent> batch = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    batch.add(new PendingEvent(rs.getLong("id"), rs.getObject("event_id", UUID.class), rs.getString("topic"),
                            rs.getString("message_key"), rs.getString("ce_type"), rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                            rs.getBytes("payload"), rs.getString("trace_parent")));
                }
            }
            return batch;
        }
    }

    /** Null once the broker acknowledged; otherwise why not (the row stays unsent and is retried). */
    private String awaitAck(CompletableFuture<Void> ack, long deadline) {
        try {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "TimeoutException: no acknowledgement within " + config.ackTimeout().toSeconds() + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting for the acknowledgement";
        }
    }

    private CompletableFuture<Void> send(PendingEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, event.eventId(), event.ceType(), event.occurredAt(), event.key(), config.source());
        Message<byte[]> message = Message.of(event.payload())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(event.topic()).withKey(event.key()).withHeaders(headers).build())
                // The connector's send span joins the trace of the change, and its traceparent header carries it on.
                .addMetadata(TracingMetadata.withCurrent(traces.stored(event.traceParent())))
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Scheduled(every = "10s", delayed = "2s", skipExecutionIf = RelayDisabled.class)
    void measureAndPrune() {
        QuarkusTransaction.requiringNew().run(() -> {
            pending.set(OutboxEvent.count("sentAt is null"));
            OutboxEvent.delete("sentAt < ?1", clock.instant().minus(config.retention()));
        });
    }

    /**
     * Skips the relay's scheduled work when {@code relink.outbox.enabled=false}, and while the application is
     * not running: before start-up has wired the messaging channels, and once shutdown has begun.
     */
    @ApplicationScoped
    public static class RelayDisabled implements Scheduled.SkipPredicate {
        private final OutboxConfig config;
        private final Scheduled.ApplicationNotRunning notRunning;

        public RelayDisabled(OutboxConfig config, Scheduled.ApplicationNotRunning notRunning) {
            this.config = config;
            this.notRunning = notRunning;
        }

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !config.enabled() || notRunning.test(execution);
        }
    }
}
