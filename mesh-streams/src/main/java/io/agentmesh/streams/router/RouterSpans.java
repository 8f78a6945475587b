package io.agentmesh.streams.router;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The router's own spans, for what the Kafka Streams instrumentation cannot see: a retry released
 * by the punctuator continues the message's trace from the {@code traceparent} it carries, and a
 * dead letter gets a span of its own. The records written inside them carry the new context.
 * Without the OpenTelemetry agent (or SDK) every call here is a no-op.
 */
final class RouterSpans {

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            carrier.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header h = carrier == null ? null : carrier.lastHeader(key);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private RouterSpans() {
    }

    private static Tracer tracer() {
        return GlobalOpenTelemetry.getTracer("io.agentmesh.router");
    }

    /** A released retry, as a child of the context the parked message carries. */
    static boolean retry(Headers headers, String messageId, int attempt, BooleanSupplier work) {
        Context parent = GlobalOpenTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, HEADERS);
        Span span = tracer().spanBuilder("mesh.router retry").setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setAttribute("messaging.message.id", messageId == null ? "" : messageId)
                .setAttribute("mesh.attempt", attempt).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            boolean settled = work.getAsBoolean();
            span.setAttribute("mesh.settled", settled);
            return settled;
        } catch (RuntimeException e) {
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** A dead letter, as a child of whatever span is current (the record's process span, or a retry). */
    static void deadLetter(Headers headers, String messageId, String reason, Runnable work) {
        Context parent = Span.current().getSpanContext().isValid() ? Context.current()
                : GlobalOpenTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, HEADERS);
        Span span = tracer().spanBuilder("mesh.router dead-letter").setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setAttribute("messaging.message.id", messageId == null ? "" : messageId)
                .setAttribute("mesh.dlq.reason", reason).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            work.run();
        } finally {
            span.end();
        }
    }

    /** Marks the current span: this message waits for a retry. */
    static void retryScheduled(String messageId, int attempts, String reason, long dueAt) {
        Span.current().addEvent("mesh.retry_scheduled", io.opentelemetry.api.common.Attributes.builder()
                .put("messaging.message.id", messageId)
                .put("mesh.attempts", attempts)
                .put("mesh.reason", reason)
                .put("mesh.due_at_ms", dueAt).build());
    }
}
