package io.relink.platform.tracing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One account's trace across the services, over the places the context would otherwise be lost: the outbox row
 * (published later, by the relay), the notification row (sent later), the link (clicked days later) and the
 * hand-over's state row. The context travels as a W3C {@code traceparent}; with tracing off (the default) there
 * is none, and every method here is a no-op.
 */
@ApplicationScoped
public class AccountTraces {
    public static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private static final TextMapGetter<Headers> KAFKA = new TextMapGetter<>() {
        public Iterable<String> keys(Headers carrier) {
            return Arrays.stream(carrier.toArray()).map(Header::key).toList();
        }

        public String get(Headers carrier, String key) {
            Header header = carrier == null ? null : carrier.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public AccountTraces(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.relink");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** The current span as a {@code traceparent}, to store beside work done later; null when nothing is traced. */
    public static String current() {
        return traceparent(Span.current().getSpanContext());
    }

    public static String traceparent(SpanContext span) {
        return span.isValid() ? "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex() : null;
    }

    /** The context a stored {@code traceparent} names; the current one when none was stored. */
    public Context stored(String traceparent) {
        return traceparent == null ? Context.current() : propagator.extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP);
    }

    /** The context a Kafka record carries in its headers. */
    public Context of(Headers headers) {
        return propagator.extract(Context.root(), headers, KAFKA);
    }

    /**
     * Starts a span, child of {@code parent}; the caller ends it. Work that resumes an account's trace inside
     * another one (a browser's request, a scheduler's run) links to that one, so either leads to the other.
     */
    public Span start(String name, SpanKind kind, Context parent) {
        SpanBuilder span = tracer.spanBuilder(name).setSpanKind(kind).setParent(parent);
        SpanContext around = Span.current().getSpanContext();
        if (around.isValid() && !around.getTraceId().equals(Span.fromContext(parent).getSpanContext().getTraceId())) {
            span.addLink(around);
        }
        return span.startSpan();
    }

    /** Runs {@code work} in a new span, child of {@code parent}, so what it stores carries the trace on. */
    public <T> T inSpan(String name, SpanKind kind, Context parent, Supplier<T> work) {
        Span span = start(name, kind, parent);
        try (Scope scope = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException e) {
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** The same, for work without a result. */
    public void inSpan(String name, SpanKind kind, Context parent, Runnable work) {
        inSpan(name, kind, parent, () -> {
            work.run();
            return null;
        });
    }
}
