package dev.stylize.worker;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where one delivery's wall time went, step by step (state read, fetch, prepare, slot, generate, encode,
 * upload, publish): the job's summary log line and, with tracing on, one span per step below the job's span
 * (the context current when this was made), so a trace shows the worker's phases next to the Kafka hops.
 * Steps are recorded when they end, with the start they had; the spans never overlap and leave no gap, and
 * their whole milliseconds add up to the time since this was made (each step is the difference of the
 * milliseconds elapsed at its two ends, so no step loses its fraction of a millisecond).
 */
final class Spans {
    private final Map<String, Long> ms = new LinkedHashMap<>();
    private final Tracer tracer;
    private final Context parent = Context.current();
    /** Epoch nanoseconds of the System.nanoTime() origin: span timestamps from the monotonic clock. */
    private final long epochOffsetNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - System.nanoTime();
    private final long origin = System.nanoTime();
    private long last = origin;

    Spans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Closes the step since the previous mark (or the start) under {@code name}. */
    void mark(String name) {
        long now = System.nanoTime();
        ms.merge(name, (now - origin) / 1_000_000 - (last - origin) / 1_000_000, Long::sum);
        span(name, epochOffsetNanos + last, epochOffsetNanos + now);
        last = now;
    }

    /**
     * Records a step that ended now and began before this delivery (the time the record waited before this
     * worker took it, from its timestamp).
     */
    void put(String name, long millis) {
        ms.put(name, millis);
        long now = epochOffsetNanos + System.nanoTime();
        span(name, now - TimeUnit.MILLISECONDS.toNanos(millis), now);
    }

    private void span(String name, long startEpochNanos, long endEpochNanos) {
        Span span = tracer.spanBuilder(name).setParent(parent).setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                .startSpan();
        span.end(endEpochNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return ms.toString();
    }
}
