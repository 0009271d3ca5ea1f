package dev.stylize.worker;

import dev.stylize.runtime.RunControl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One delivery of a request while a worker holds it: how to stop it (a {@link RunControl} reaching
 * into ONNX Runtime, and the reason), and how it ended. The transport that delivered the record
 * decides from {@link #outcome()} whether its offset may be committed.
 */
public final class Delivery implements AutoCloseable {
    /** How a delivery ended. */
    public enum Outcome {
        /** A terminal result (or dead letter) is on the broker: commit the record. */
        ANSWERED,
        /** Given up without a result (shutdown, rebalance): never commit; the record is delivered again. */
        GIVEN_UP
    }

    private final String source;
    private final long recordTimestamp;
    private final RunControl control = new RunControl();
    private final AtomicReference<StopReason> stopReason = new AtomicReference<>();
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final CompletableFuture<Void> handedOver = new CompletableFuture<>();
    private final Object waitLock = new Object();

    /**
     * @param source          where the record came from, for logs (e.g. {@code stylize.requests-7@1234})
     * @param recordTimestamp when the record was produced (epoch ms), 0 when unknown
     */
    public Delivery(String source, long recordTimestamp) {
        this.source = source;
        this.recordTimestamp = recordTimestamp;
    }

    public long recordTimestamp() {
        return recordTimestamp;
    }

    public String source() {
        return source;
    }

    public RunControl control() {
        return control;
    }

    /** Stops the job for {@code reason} (ignored once a reason is set); safe from any thread. */
    public void stop(StopReason reason) {
        if (stopReason.compareAndSet(null, reason)) {
            control.cancel();
            synchronized (waitLock) {
                waitLock.notifyAll();
            }
        }
    }

    /** Null while nobody stopped the job. */
    public StopReason stopReason() {
        return stopReason.get();
    }

    /**
     * Waits up to {@code d} unless the delivery is stopped or finished first (retry back-offs use it).
     *
     * @return false when it was stopped or has finished
     */
    public boolean pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        synchronized (waitLock) {
            while (stopReason.get() == null && !outcome.isDone()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(waitLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /** Records how the delivery ended; the first call counts. The job service calls it once per delivery. */
    public void finish(Outcome o) {
        outcome.complete(o);
        handedOver.complete(null);
        synchronized (waitLock) {
            waitLock.notifyAll(); // a side task left behind stops waiting to retry
        }
    }

    /** The job holds an accelerator slot: its host-side stages are done. */
    void handedOver() {
        handedOver.complete(null);
    }

    /**
     * Completes once the job no longer needs the host's stages of its slot: it holds an accelerator slot
     * or it has finished. The transport may then start preparing the next record (pipelining).
     */
    public CompletableFuture<Void> whenHandedOver() {
        return handedOver.copy();
    }

    /** Completes when the delivery has finished. */
    public CompletableFuture<Outcome> whenFinished() {
        return outcome.copy();
    }

    public boolean isFinished() {
        return outcome.isDone();
    }

    /** The outcome, once finished; null before. */
    public Outcome outcome() {
        return outcome.getNow(null);
    }

    /** Waits up to {@code timeout} for the delivery to finish; null if it has not. */
    public Outcome awaitOutcome(Duration timeout) {
        try {
            return outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        control.close();
    }
}
