package dev.stylize.worker;

import dev.stylize.runtime.RunControl;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancellations from the control topic. A running job is stopped through its {@link RunControl};
 * a job not yet started is remembered (for a day, as long as the control topic keeps it) and
 * skipped when it arrives.
 */
@ApplicationScoped
public class CancellationRegistry {
    static final Duration REMEMBER = Duration.ofDays(1);

    private final Map<String, RunControl> running = new ConcurrentHashMap<>();
    private final Map<String, Instant> requested = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    public void cancel(String jobId) {
        requested.put(jobId, clock.instant());
        RunControl c = running.get(jobId);
        if (c != null) {
            c.cancel();
        }
        Instant horizon = clock.instant().minus(REMEMBER);
        requested.values().removeIf(t -> t.isBefore(horizon));
    }

    public boolean isCancelled(String jobId) {
        return requested.containsKey(jobId);
    }

    /** Registers a running job; a cancel that arrived before is applied at once. */
    public void started(String jobId, RunControl control) {
        running.put(jobId, control);
        if (requested.containsKey(jobId)) {
            control.cancel();
        }
    }

    public void finished(String jobId) {
        running.remove(jobId);
    }

    /** Cancels every running job (shutdown after the grace period). */
    public void cancelAllRunning() {
        running.values().forEach(RunControl::cancel);
    }

    public int runningCount() {
        return running.size();
    }
}
