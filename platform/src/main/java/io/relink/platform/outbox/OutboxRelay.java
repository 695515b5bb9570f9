package io.relink.platform.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.events.CloudEventHeaders;
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
    private static final String CLAIM = "SELECT * FROM outbox_event WHERE sent_at IS NULL ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED";

    private final Emitter<byte[]> emitter;
    private final OutboxConfig config;
    private final EntityManager entityManager;
    private final Counter published;
    private final Counter failed;
    private final AtomicLong pending = new AtomicLong();

    public OutboxRelay(@Channel("relink-outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<byte[]> emitter,
            OutboxConfig config, EntityManager entityManager, MeterRegistry registry) {
        this.emitter = emitter;
        this.config = config;
        this.entityManager = entityManager;
        this.published = Counter.builder("relink.outbox.published").description("Events the broker acknowledged").register(registry);
        this.failed = Counter.builder("relink.outbox.failed").description("Publication attempts that failed and will be retried").register(registry);
        registry.gauge("relink.outbox.pending", pending);
    }

    @Scheduled(every = "${relink.outbox.interval:0.2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = RelayDisabled.class)
    void relay() {
        while (relayBatch() == config.batchSize()) {
            // A full batch means more are waiting: go on at once.
        }
    }

    /** Publishes one batch; returns how many rows it claimed. */
    public int relayBatch() {
        return QuarkusTransaction.requiringNew().timeout((int) config.ackTimeout().toSeconds() + 30).call(() -> {
            @SuppressWarnings("unchecked")
            List<OutboxEvent> batch = entityManager.createNativeQuery(CLAIM, OutboxEvent.class)
                    .setParameter("limit", config.batchSize()).getResultList();
            if (batch.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
            for (OutboxEvent row : batch) {
                acks.add(send(row));
            }
            long deadline = System.nanoTime() + config.ackTimeout().toNanos();
            Instant now = Instant.now();
            for (int i = 0; i < batch.size(); i++) {
                OutboxEvent row = batch.get(i);
                row.attempts++;
                try {
                    acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    row.sentAt = now;
                    row.lastError = null;
                    published.increment();
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    row.lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                    failed.increment();
                    LOG.warnf("outbox event %s (%s) not acknowledged yet, will retry: %s", row.eventId, row.ceType, row.lastError);
                }
            }
            return batch.size();
        });
    }

    private CompletableFuture<Void> send(OutboxEvent row) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, row.eventId, row.ceType, row.occurredAt, row.key, config.source());
        Message<byte[]> message = Message.of(row.payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(row.topic).withKey(row.key).withHeaders(headers).build())
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
            OutboxEvent.delete("sentAt < ?1", Instant.now().minus(config.retention()));
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
