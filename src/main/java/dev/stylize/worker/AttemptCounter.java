package dev.stylize.worker;

import dev.stylize.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Durable delivery count per job, kept in the object store next to the job's output: it is
 * written before the pipeline starts, so a worker that dies mid-job (OOM, native crash, SIGKILL)
 * cannot lose it, and the next delivery sees one more attempt.
 */
final class AttemptCounter {
    private AttemptCounter() {}

    /** Increments and returns the attempt number of this delivery (1 for the first). */
    static int next(ObjectStore store, OutputLayout layout) {
        int previous = store.stat(layout.bucket(), layout.attemptsKey())
                .map(info -> parse(store.get(layout.bucket(), layout.attemptsKey(), 1024)))
                .orElse(0);
        int attempt = previous + 1;
        store.put(layout.bucket(), layout.attemptsKey(), ("{\"attempts\":" + attempt + "}").getBytes(StandardCharsets.UTF_8),
                "application/json", Map.of());
        return attempt;
    }

    private static int parse(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8).replaceAll("[^0-9]", "");
        return s.isEmpty() ? 0 : Integer.parseInt(s);
    }
}
