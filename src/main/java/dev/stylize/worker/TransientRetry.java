package dev.stylize.worker;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs the steps of one job again while they fail transiently ({@link ErrorCode#permanent()} false: the
 * object store unavailable, an inference or internal failure), with growing pauses, within one budget for
 * the whole job. Storage faults are retried until the budget is spent (an outage of minutes must not turn
 * a backlog into failures); inference and internal faults, which may well repeat, at most
 * {@link #MAX_FAULT_RETRIES} times. A pause ends early when the job is stopped (cancel, deadline, shutdown,
 * rebalance): the step then fails {@code CANCELLED} and the stop reason decides what follows.
 *
 * <p>Nothing here touches the attempt counter or the record's offset: a retried job is the same delivery.
 */
final class TransientRetry {
    private static final Logger LOG = Logger.getLogger(TransientRetry.class);
    static final int MAX_FAULT_RETRIES = 2;
    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

    private final String jobId;
    private final Delivery delivery;
    private final long budgetEnd;
    private final Duration maxPause;
    private final WorkerMetrics metrics;
    /** Shared by the job's side tasks (upload and record run at once). */
    private final java.util.concurrent.atomic.AtomicInteger faultRetries = new java.util.concurrent.atomic.AtomicInteger();

    TransientRetry(String jobId, Delivery delivery, Duration budget, Duration maxPause, WorkerMetrics metrics) {
        this.jobId = jobId;
        this.delivery = delivery;
        this.budgetEnd = System.nanoTime() + budget.toNanos();
        this.maxPause = maxPause;
        this.metrics = metrics;
    }

    <T> T call(String step, Supplier<T> work) {
        return call(step, work, false);
    }

    /**
     * Like {@link #call(String, Supplier)}, but storage faults are retried past the budget, until the job
     * is stopped: for a step without which no answer is safe (reading whether the job already succeeded).
     */
    <T> T callUntilStopped(String step, Supplier<T> work) {
        return call(step, work, true);
    }

    private <T> T call(String step, Supplier<T> work, boolean unbounded) {
        Duration pause = FIRST_PAUSE;
        for (int tries = 1; ; tries++) {
            try {
                return work.get();
            } catch (StylizeException e) {
                boolean overBudget = !unbounded && System.nanoTime() + pause.toNanos() > budgetEnd;
                if (!retryable(e.code()) || overBudget) {
                    throw e;
                }
                LOG.warnf("job=%s phase=RETRY step=%s code=%s try=%d retrying in %d ms: %s", jobId, step, e.code(),
                        tries, pause.toMillis(), e.getMessage());
                metrics.retried(e.code());
                if (!delivery.pause(pause)) {
                    throw new StylizeException(ErrorCode.CANCELLED, "job stopped while waiting to retry " + step, e);
                }
                pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
            }
        }
    }

    void run(String step, Runnable work) {
        call(step, () -> {
            work.run();
            return null;
        });
    }

    private boolean retryable(ErrorCode code) {
        if (code.permanent()) {
            return false;
        }
        if (code == ErrorCode.STORAGE_UNAVAILABLE) {
            return true;
        }
        return faultRetries.getAndIncrement() < MAX_FAULT_RETRIES;
    }
}
