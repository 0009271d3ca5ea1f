package dev.stylize.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls into one native object (a session, a tokenizer) that have not returned yet, so
 * that its owner frees it only once none is left. After {@link #refuseNew()} no call can start.
 *
 * <p>{@link #enter()} increments and then reads the flag; {@link #refuseNew()} writes the flag and
 * the owner then reads the count. Both are volatile, so at least one side sees the other: either
 * the call sees the flag and backs out, or the owner sees the call and waits for it. Per call this
 * is two atomic updates and no allocation.
 */
final class InFlightCalls {
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean refusing;
    private boolean freed; // guarded by this

    /** Registers a call; false (nothing registered) once {@link #refuseNew()} was called. */
    boolean enter() {
        calls.incrementAndGet();
        if (refusing) {
            exit();
            return false;
        }
        return true;
    }

    /** Ends a call registered by a successful {@link #enter()}. */
    void exit() {
        if (calls.decrementAndGet() == 0 && refusing) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    void refuseNew() {
        refusing = true;
    }

    int count() {
        return calls.get();
    }

    /**
     * Waits until no call is in flight or {@code deadlineNanos} ({@link System#nanoTime()} scale)
     * passes; true if none is left. An interrupt ends the wait early (false, flag kept): the caller
     * then keeps the object alive, which is the safe side.
     */
    boolean awaitNone(long deadlineNanos) {
        synchronized (this) {
            while (calls.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Refuses new calls, waits for those in flight until {@code deadlineNanos}, then runs {@code free}
     * (once, ever). If calls are still running then, nothing is freed and it returns false; calling
     * it again later tries again.
     */
    synchronized boolean freeWhenIdle(long deadlineNanos, Runnable free) {
        if (freed) {
            return true;
        }
        refuseNew();
        if (!awaitNone(deadlineNanos)) {
            return false;
        }
        freed = true;
        free.run();
        return true;
    }
}
