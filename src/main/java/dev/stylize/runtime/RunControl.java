package dev.stylize.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cancellation of one job: checked between steps, and forwarded into a running {@code session.run}
 * through ONNX Runtime's terminate flag so a long step stops within milliseconds.
 *
 * <p>The native run options are freed only when no run uses them: {@link #close()} during a run
 * defers the free to the end of that run, and {@link #cancel()} never touches them once freed.
 */
public final class RunControl implements AutoCloseable {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final OrtSession.RunOptions runOptions;
    // All three guarded by this. Runs take the monitor twice per session.run: negligible next to a step.
    private int runsUsingOptions;
    private boolean closed;
    private boolean freed;

    public RunControl() {
        try {
            runOptions = new OrtSession.RunOptions();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create run options", e);
        }
    }

    /** Safe from any thread, also after the job ended and this control was closed. */
    public synchronized void cancel() {
        // Also after close() while a run is still in flight: that run should stop too.
        if (cancelled.compareAndSet(false, true) && !freed) {
            try {
                runOptions.setTerminate(true);
            } catch (OrtException e) {
                // The flag above still stops the job at the next step boundary.
            }
        }
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Throws CANCELLED if {@link #cancel()} was called. */
    public void checkpoint() {
        if (cancelled.get()) {
            throw new StylizeException(ErrorCode.CANCELLED, "job cancelled");
        }
    }

    /**
     * The run options for one {@code session.run}; pair with {@link #releaseRunOptions()}. A run
     * with a closed control is a caller bug (its job has ended): INTERNAL.
     */
    synchronized OrtSession.RunOptions acquireRunOptions() {
        if (closed) {
            throw new StylizeException(ErrorCode.INTERNAL, "run control used after its job ended");
        }
        runsUsingOptions++;
        return runOptions;
    }

    synchronized void releaseRunOptions() {
        runsUsingOptions--;
        if (closed && runsUsingOptions == 0) {
            free();
        }
    }

    /** Frees the run options now, or when the last run using them returns. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (runsUsingOptions == 0) {
                free();
            }
        }
    }

    private void free() {
        if (!freed) {
            freed = true;
            runOptions.close();
        }
    }
}
