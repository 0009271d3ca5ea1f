package dev.stylize.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one delivery's wall time went, step by step (state read, attempt marker, fetch, pipeline,
 * encode, upload, record, publish), for the job's summary log line: the worker's own cost beyond the
 * model phases, made visible.
 */
final class Spans {
    private final Map<String, Long> ms = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Closes the span since the previous mark (or the start) under {@code name}. */
    void mark(String name) {
        long now = System.nanoTime();
        ms.merge(name, (now - last) / 1_000_000, Long::sum);
        last = now;
    }

    /** Sets a span measured elsewhere (e.g. the time the record waited before this worker took it). */
    void put(String name, long millis) {
        ms.put(name, millis);
    }

    @Override
    public String toString() {
        return ms.toString();
    }
}
