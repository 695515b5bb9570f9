package io.relink.devstack.testing;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The spans a service under test finished (its test profile turns tracing on and exports each span at once), and
 * the trace ids that Kafka records and links carry, for tests that follow one account's trace.
 */
@ApplicationScoped
public class RecordedSpans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }

    /** The finished spans of one trace. */
    public static List<SpanData> ofTrace(InMemorySpanExporter exporter, String traceId) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    /** The trace id of a record's {@code traceparent} header; null without one. */
    public static String traceId(Headers headers) {
        Header header = headers.lastHeader("traceparent");
        return header == null ? null : traceId(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** The trace id of a W3C {@code traceparent}; null for null. */
    public static String traceId(String traceParent) {
        return traceParent == null ? null : traceParent.split("-")[1];
    }

    /** A fresh sampled {@code traceparent}, as an upstream service would send it. */
    public static String newTraceParent() {
        HexFormat hex = HexFormat.of();
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        ThreadLocalRandom.current().nextBytes(trace);
        ThreadLocalRandom.current().nextBytes(span);
        return "00-" + hex.formatHex(trace) + "-" + hex.formatHex(span) + "-01";
    }
}
