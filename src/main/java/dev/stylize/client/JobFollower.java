package dev.stylize.client;

import dev.stylize.job.ResultEvent;
import java.time.Duration;
import java.util.Optional;

/** Follows a job's records until its result arrives (shown on the way) or the timeout passes. */
public final class JobFollower {
    private static final Duration POLL = Duration.ofMillis(500);

    private JobFollower() {}

    /** The result, or empty after {@code timeout}. Progress events go to {@code display} as they arrive. */
    public static Optional<ResultEvent> follow(JobRecords records, WatchDisplay display, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (JobRecords.Event e : records.poll(POLL)) {
                if (e.result() != null) {
                    display.result(e.result());
                    return Optional.of(e.result());
                }
                display.progress(e.progress());
            }
        }
        return Optional.empty();
    }
}
