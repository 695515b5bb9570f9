package io.relink.events;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Reads and writes event payloads as JSON. Unknown fields are ignored on read (producers may add fields);
 * a missing required field, a wrong type or an unknown event type is a {@link MalformedEventException}.
 */
public final class EventCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    private EventCodec() {
    }

    public static byte[] write(RelinkEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event.type(), e);
        }
    }

    /** Reads the payload of the event whose CloudEvents type is {@code ceType}. */
    public static RelinkEvent read(String ceType, byte[] payload) {
        if (ceType == null) {
            throw new MalformedEventException("missing header " + CloudEventHeaders.TYPE);
        }
        EventType type = EventType.fromCeType(ceType)
                .orElseThrow(() -> new MalformedEventException("unknown event type '" + ceType + "'"));
        return read(type.payloadType(), payload);
    }

    public static <T extends RelinkEvent> T read(Class<T> payloadType, byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new MalformedEventException("empty payload");
        }
        try {
            return MAPPER.readValue(payload, payloadType);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedEventException("invalid " + payloadType.getSimpleName() + ": " + cause.getMessage(), e);
        } catch (IOException e) {
            throw new MalformedEventException("invalid " + payloadType.getSimpleName() + ": " + originalMessage(e), e);
        }
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    }
}
