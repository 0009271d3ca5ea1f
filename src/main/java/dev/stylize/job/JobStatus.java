package dev.stylize.job;

/** Final state of a job, as a result event reports it (uppercase on the wire). */
public enum JobStatus {
    SUCCEEDED,
    FAILED,
    CANCELLED,
    EXPIRED;

    /** The status a failure with {@code code} ends in: CANCELLED, EXPIRED (DEADLINE_EXPIRED) or FAILED. */
    public static JobStatus forError(ErrorCode code) {
        return switch (code) {
            case CANCELLED -> CANCELLED;
            case DEADLINE_EXPIRED -> EXPIRED;
            default -> FAILED;
        };
    }
}
