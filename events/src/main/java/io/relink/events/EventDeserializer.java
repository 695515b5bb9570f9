package io.relink.events;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for Relink events: picks the payload type from the {@code ce_type} header.
 * Throws {@link MalformedEventException} for a record it cannot read.
 */
public class EventDeserializer implements Deserializer<RelinkEvent> {
    @Override
    public RelinkEvent deserialize(String topic, byte[] data) {
        throw new MalformedEventException("a Relink event needs its " + CloudEventHeaders.TYPE + " header");
    }

    @Override
    public RelinkEvent deserialize(String topic, Headers headers, byte[] data) {
        return data == null ? null : EventCodec.read(CloudEventHeaders.read(headers, CloudEventHeaders.TYPE), data);
    }
}
