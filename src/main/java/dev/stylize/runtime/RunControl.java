package dev.stylize.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cancellation of one job: checked between steps, and forwarded into a running {@code session.run}
 * through ONNX Runtime's terminate flag so a long step stops within milliseconds.
 */
public final class RunControl implements AutoCloseable {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final OrtSession.RunOptions runOptions;
    private boolean closed;

    public RunControl() {
        try {
            runOptions = new OrtSession.RunOptions();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create run options", e);
        }
    }

    /** Safe from any thread, also after the job ended and this control was closed. */
    public synchronized void cancel() {
        if (cancelled.compareAndSet(false, true) && !closed) {
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

    OrtSession.RunOptions runOptions() {
        return runOptions;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            runOptions.close();
        }
    }
}
