package dev.stylize.worker;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pod's accelerator slots ({@code stylize.slots}, one per GPU). A job holds one from its first
 * accelerator stage to its decoded image; the job prepared behind it waits here, so at most one job
 * per slot runs on the accelerator. Jobs take slots in arrival order.
 */
public final class AcceleratorSlots {
    /** How often a waiting job looks whether it was stopped (cancel, deadline, shutdown, rebalance). */
    private static final long POLL_MS = 20;

    private final Semaphore free;
    private final AtomicLong busyNanos = new AtomicLong();

    public AcceleratorSlots(int slots) {
        this.free = new Semaphore(slots, true);
    }

    /** Waits for a free slot; a stop of the delivery meanwhile ends the wait with CANCELLED. */
    Slot acquire(Delivery delivery) {
        try {
            while (!free.tryAcquire(POLL_MS, TimeUnit.MILLISECONDS)) {
                if (delivery.stopReason() != null) {
                    throw new StylizeException(ErrorCode.CANCELLED, "job stopped while waiting for the accelerator");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StylizeException(ErrorCode.CANCELLED, "interrupted while waiting for the accelerator");
        }
        delivery.handedOver();
        return new Slot();
    }

    /** Nanoseconds slots were held, summed over slots (for one slot: the accelerator's busy time). */
    public long busyNanos() {
        return busyNanos.get();
    }

    /** A held slot; closing it frees it for the next job (once). */
    final class Slot implements AutoCloseable {
        private final long since = System.nanoTime();
        private final AtomicBoolean held = new AtomicBoolean(true);

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                busyNanos.addAndGet(System.nanoTime() - since);
                free.release();
            }
        }
    }
}
