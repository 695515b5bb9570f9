package io.relink.platform.outbox;

import java.time.Instant;

import io.relink.events.EventCodec;
import io.relink.events.RelinkEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * Records an event in the caller's transaction, so that it is published if and only if the change it
 * describes commits. {@link OutboxRelay} does the publishing.
 */
@ApplicationScoped
public class Outbox {

    @Transactional(TxType.MANDATORY)
    public void publish(RelinkEvent event) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = event.eventId();
        row.topic = event.type().topic();
        row.key = event.accountId();
        row.ceType = event.type().ceType();
        row.occurredAt = event.occurredAt();
        row.payload = EventCodec.write(event);
        row.createdAt = Instant.now();
        row.persist();
    }
}
