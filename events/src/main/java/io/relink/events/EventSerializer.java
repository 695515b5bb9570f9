package io.relink.events;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for Relink events (JSON payload). */
public class EventSerializer implements Serializer<RelinkEvent> {
    @Override
    public byte[] serialize(String topic, RelinkEvent event) {
        return event == null ? null : EventCodec.write(event);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, RelinkEvent event) {
        return serialize(topic, event);
    }
}
