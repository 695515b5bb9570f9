package io.relink.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents 1.0 attributes in Kafka headers (binary content mode), as the contract and SmallRye Reactive
 * Messaging name them.
 */
public final class CloudEventHeaders {
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String CONTENT_TYPE = "content-type";
    public static final String SPEC_VERSION_1_0 = "1.0";
    public static final String JSON = "application/json";

    private CloudEventHeaders() {
    }

    /** Adds the CloudEvents attributes of {@code event} to {@code headers}; {@code source} names the producer. */
    public static Headers write(Headers headers, RelinkEvent event, String source) {
        return write(headers, event.eventId(), event.type().ceType(), event.occurredAt(), event.accountId(), source);
    }

    /** The same from stored attributes, as an outbox relay has them. */
    public static Headers write(Headers headers, UUID id, String ceType, Instant time, String subject, String source) {
        put(headers, ID, id.toString());
        put(headers, SOURCE, source);
        put(headers, TYPE, ceType);
        put(headers, TIME, DateTimeFormatter.ISO_INSTANT.format(time));
        put(headers, SUBJECT, subject);
        put(headers, SPEC_VERSION, SPEC_VERSION_1_0);
        put(headers, CONTENT_TYPE, JSON);
        return headers;
    }

    /** The last value of a header as text, or {@code null} when absent. */
    public static String read(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
