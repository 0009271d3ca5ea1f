package dev.stylize.client;

import dev.stylize.job.JobStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exit codes of the terminal client's {@code submit --watch}, {@code watch} and {@code status}, one per way a
 * job can stand, so scripts can branch on them. 1 stays "the command itself failed" (picocli, ErrorHandler).
 */
public enum JobExit {
    SUCCEEDED(0, "the job succeeded (and --out, if given, was written and verified)"),
    FAILED(2, "the job failed (the error is printed); also a request refused before it was sent"),
    CANCELLED(3, "the job was cancelled"),
    EXPIRED(4, "the job's deadline passed"),
    TIMEOUT(5, "no result within --timeout (the job may still finish)"),
    NOT_FINISHED(6, "status: the job is queued or running, or unknown (no result, no progress)");

    public final int code;
    private final String meaning;

    JobExit(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public static JobExit of(JobStatus status) {
        return switch (status) {
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> FAILED;
            case CANCELLED -> CANCELLED;
            case EXPIRED -> EXPIRED;
        };
    }

    /** For picocli's "Exit Codes" help section: code → meaning, in code order. */
    public static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (JobExit e : values()) {
            list.put(Integer.toString(e.code), e.name() + ": " + e.meaning);
            if (e == SUCCEEDED) {
                list.put("1", "the command failed (bad option, unreachable broker or store, output checksum mismatch)");
            }
        }
        return list;
    }
}
