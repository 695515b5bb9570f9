package io.relink.scanner.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.relink.events.AccountMigrated;
import io.relink.events.AccountNotified;
import io.relink.events.MalformedEventException;
import io.relink.events.RelinkEvent;
import io.relink.platform.inbox.ProcessedEvents;
import io.relink.platform.messaging.IncomingEvents;
import io.relink.scanner.service.Registry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Keeps the funnel true: AccountNotified and AccountMigrated move accounts along. Each event is applied once
 * (its id recorded in the same transaction); a record that cannot be read goes to the topic's DLQ with the
 * reason, and the consumer goes on.
 */
@ApplicationScoped
public class FunnelConsumer {
    private static final String CONSUMER = "scanner";

    private final Registry registry;
    private final ProcessedEvents processed;

    public FunnelConsumer(Registry registry, ProcessedEvents processed) {
        this.registry = registry;
        this.processed = processed;
    }

    @Incoming("notifications-in")
    @Blocking
    @Retry(maxRetries = 3, delay = 200, abortOn = MalformedEventException.class)
    @Transactional
    public void onNotification(ConsumerRecord<String, byte[]> record) {
        apply(IncomingEvents.decode(record));
    }

    @Incoming("migrations-in")
    @Blocking
    @Retry(maxRetries = 3, delay = 200, abortOn = MalformedEventException.class)
    @Transactional
    public void onMigration(ConsumerRecord<String, byte[]> record) {
        apply(IncomingEvents.decode(record));
    }

    private void apply(RelinkEvent event) {
        if (!processed.firstDelivery(CONSUMER, event.eventId())) {
            return;
        }
        if (event instanceof AccountNotified notified) {
            registry.notified(notified);
        } else if (event instanceof AccountMigrated migrated) {
            registry.migrated(migrated);
        } else {
            throw new MalformedEventException(event.type().ceType() + " does not belong on this topic");
        }
    }
}
