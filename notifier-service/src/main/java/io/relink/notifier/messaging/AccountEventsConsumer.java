package io.relink.notifier.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.relink.events.AccountDetected;
import io.relink.events.AccountMigrated;
import io.relink.events.AccountResolved;
import io.relink.events.MalformedEventException;
import io.relink.events.RelinkEvent;
import io.relink.notifier.service.Notifications;
import io.relink.platform.messaging.IncomingEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records what each event means for the emails, once per event, and never waits for SMTP: sending happens
 * apart, from the database. Unreadable records go to the topic's DLQ with the reason.
 */
@ApplicationScoped
public class AccountEventsConsumer {
    private static final String CONSUMER = "notifier";

    private final Notifications notifications;
    private final IncomingEvents incoming;

    public AccountEventsConsumer(Notifications notifications, IncomingEvents incoming) {
        this.notifications = notifications;
        this.incoming = incoming;
    }

    @Incoming("accounts-in")
    @Blocking
    @Retry(maxRetries = 3, delay = 200, abortOn = MalformedEventException.class)
    public void onAccount(ConsumerRecord<String, byte[]> record) {
        incoming.applyOnce(CONSUMER, record, this::apply);
    }

    @Incoming("migrations-in")
    @Blocking
    @Retry(maxRetries = 3, delay = 200, abortOn = MalformedEventException.class)
    public void onMigration(ConsumerRecord<String, byte[]> record) {
        incoming.applyOnce(CONSUMER, record, this::apply);
    }

    private void apply(RelinkEvent event) {
        if (event instanceof AccountDetected detected) {
            notifications.detected(detected);
        } else if (event instanceof AccountResolved resolved) {
            notifications.resolved(resolved);
        } else if (event instanceof AccountMigrated migrated) {
            notifications.migrated(migrated);
        } else {
            throw IncomingEvents.unexpected(event);
        }
    }
}
