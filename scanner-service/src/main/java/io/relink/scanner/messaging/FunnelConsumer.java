package io.relink.scanner.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.relink.events.AccountBounced;
import io.relink.events.AccountNotAffected;
import io.relink.events.AccountMigrated;
import io.relink.events.AccountNotified;
import io.relink.events.MalformedEventException;
import io.relink.events.RelinkEvent;
import io.relink.platform.messaging.IncomingEvents;
import io.relink.scanner.service.Registry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the funnel true: AccountNotified, AccountNotAffected and AccountMigrated move accounts along, AccountBounced marks them. Each
 * event is applied once (its id recorded in the same transaction); a record that cannot be read goes to the topic's
 * DLQ with the reason, and the consumer goes on.
 */
@ApplicationScoped
public class FunnelConsumer {
    private static final String CONSUMER = "scanner";

    private final Registry registry;
    private final IncomingEvents incoming;

    public FunnelConsumer(Registry registry, IncomingEvents incoming) {
        this.registry = registry;
        this.incoming = incoming;
    }

    @Incoming("notifications-in")
    @Blocking
    @Retry(maxRetries = 3, delay = 200, abortOn = MalformedEventException.class)
    public void onNotification(ConsumerRecord<String, byte[]> record) {
        incoming.applyOnce(CONSUMER, record, this::apply);
    }

    @Incoming("migrations-in")
    @Blocking
    @Retry(maxRetries = 3, delay = 200, abortOn = MalformedEventException.class)
    public void onMigration(ConsumerRecord<String, byte[]> record) {
        incoming.applyOnce(CONSUMER, record, this::apply);
    }

    private void apply(RelinkEvent event) {
        if (event instanceof AccountNotified notified) {
            registry.notified(notified);
        } else if (event instanceof AccountNotAffected notAffected) {
            registry.notAffected(notAffected);
        } else if (event instanceof AccountBounced bounced) {
            registry.bounced(bounced);
        } else if (event instanceof AccountMigrated migrated) {
            registry.migrated(migrated);
        } else {
            throw IncomingEvents.unexpected(event);
        }
    }
}
