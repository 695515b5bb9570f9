package io.relink.platform.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.MalformedEventException;
import io.relink.events.RelinkEvent;

/** Turns a consumed record into a Relink event, or says why it cannot (the reason the DLQ records). */
public final class IncomingEvents {
    private IncomingEvents() {
    }

    public static RelinkEvent decode(ConsumerRecord<String, byte[]> record) {
        RelinkEvent event = EventCodec.read(CloudEventHeaders.read(record.headers(), CloudEventHeaders.TYPE), record.value());
        if (record.key() != null && !record.key().equals(event.accountId())) {
            throw new MalformedEventException("record key '" + record.key() + "' is not the event's accountId");
        }
        return event;
    }
}
