package dev.stylize.messaging;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Trace context in Kafka record headers ({@code traceparent}, {@code tracestate}, {@code baggage}: W3C, as
 * the Kafka connector's own instrumentation writes them), so a job's trace runs from whoever produced the
 * request through the worker. With tracing off the propagator is a no-op: no header is written or read.
 */
public final class TraceHeaders {
    private static final TextMapSetter<Headers> SETTER = (headers, name, value) -> {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    };

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String name) {
            Header h = headers == null ? null : headers.lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private TraceHeaders() {}

    public static void inject(OpenTelemetry otel, Context context, Headers headers) {
        otel.getPropagators().getTextMapPropagator().inject(context, headers, SETTER);
    }

    /** The context the record's producer sent, below {@code parent}; {@code parent} when it sent none. */
    public static Context extract(OpenTelemetry otel, Context parent, Headers headers) {
        return otel.getPropagators().getTextMapPropagator().extract(parent, headers, GETTER);
    }
}
