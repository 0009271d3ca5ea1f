package dev.stylize.worker;

/** Why a running job was stopped before it finished; the first reason given wins. */
public enum StopReason {
    /** A cancellation from the control topic: the job ends CANCELLED. */
    CANCELLED,
    /** The request's deadline passed: the job ends EXPIRED. */
    DEADLINE,
    /** SIGTERM after the grace period: no result, no commit; another worker redoes the job. */
    SHUTDOWN,
    /** Its partition moved to another worker (rebalance): no result, no commit; the new owner does the job. */
    RELEASED;

    /** True when the job ends without a result and its record must not be committed. */
    public boolean givesUpTheJob() {
        return this == SHUTDOWN || this == RELEASED;
    }
}
