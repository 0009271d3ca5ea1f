package dev.stylize.worker;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs this worker is running, and the cancellations it has heard of. A running job is stopped
 * through its {@link Delivery}; a cancellation of a job not yet started is remembered (for a day, as
 * long as the control topic keeps it) and applied when the job arrives.
 */
@ApplicationScoped
public class RunningJobs {
    static final Duration REMEMBER = Duration.ofDays(1);

    private final Map<String, Delivery> running = new ConcurrentHashMap<>();
    private final Map<String, Instant> cancelRequested = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /** A cancellation from the control topic. */
    public void cancel(String jobId) {
        cancelRequested.put(jobId, clock.instant());
        Delivery d = running.get(jobId);
        if (d != null) {
            d.stop(StopReason.CANCELLED);
        }
        Instant horizon = clock.instant().minus(REMEMBER);
        cancelRequested.values().removeIf(t -> t.isBefore(horizon));
    }

    public boolean isCancelled(String jobId) {
        return cancelRequested.containsKey(jobId);
    }

    /** Registers a running job; a cancel that arrived before is applied at once. */
    void started(String jobId, Delivery delivery) {
        running.put(jobId, delivery);
        if (cancelRequested.containsKey(jobId)) {
            delivery.stop(StopReason.CANCELLED);
        }
    }

    void finished(String jobId, Delivery delivery) {
        running.remove(jobId, delivery);
    }

    /** Stops every running job for {@code reason} (shutdown after the grace period). */
    void stopAll(StopReason reason) {
        running.values().forEach(d -> d.stop(reason));
    }

    public int count() {
        return running.size();
    }
}
