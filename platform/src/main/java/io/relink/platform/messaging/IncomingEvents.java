package io.relink.platform.messaging;

import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.opentelemetry.api.trace.SpanKind;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.MalformedEventException;
import io.relink.events.RelinkEvent;
import io.relink.platform.inbox.ProcessedEvents;
import io.relink.platform.tracing.AccountTraces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * What every idempotent consumer does with a record: read it as a Relink event (or say why it cannot, the
 * reason the DLQ records) and apply it only the first time its event id arrives.
 *
 * <p>Each call is one transaction of its own, committed (flushed) before it returns. A consumer retries by
 * calling again: put {@code @Retry} on the consumer method and no {@code @Transactional}, because the
 * transaction interceptor runs outside the retry one and every retry would run in the transaction that
 * already failed (and the commit's own failure would escape the retry altogether).
 */
@ApplicationScoped
public class IncomingEvents {
    private final ProcessedEvents processed;
    private final AccountTraces traces;

    public IncomingEvents(ProcessedEvents processed, AccountTraces traces) {
        this.processed = processed;
        this.traces = traces;
    }

    /**
     * In a new transaction: decodes the record and hands its event to {@code apply} unless already processed. The
     * work is a span in the trace the record carries, so the events and rows it writes continue that trace.
     */
    @Transactional(TxType.REQUIRES_NEW)
    public void applyOnce(String consumer, ConsumerRecord<String, byte[]> record, Consumer<RelinkEvent> apply) {
        traces.inSpan(consumer + " process " + record.topic(), SpanKind.CONSUMER, traces.of(record.headers()), () -> {
            RelinkEvent event = decode(record);
            if (processed.firstDelivery(consumer, event.eventId())) {
                apply.accept(event);
            }
        });
    }

    public static RelinkEvent decode(ConsumerRecord<String, byte[]> record) {
        RelinkEvent event = EventCodec.read(CloudEventHeaders.read(record.headers(), CloudEventHeaders.TYPE), record.value());
        if (record.key() != null && !record.key().equals(event.accountId())) {
            throw new MalformedEventException("record key '" + record.key() + "' is not the event's accountId");
        }
        // The contract puts each type on one topic; one found elsewhere was misrouted, whatever the consumer accepts.
        if (record.topic() != null && !record.topic().equals(event.type().topic())) {
            throw unexpected(event);
        }
        return event;
    }

    /** For an event a consumer does not expect on its topic. */
    public static MalformedEventException unexpected(RelinkEvent event) {
        return new MalformedEventException(event.type().ceType() + " does not belong on this topic");
    }
}
