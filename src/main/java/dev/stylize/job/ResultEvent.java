package dev.stylize.job;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one attempt of a job (stylize.results). SUCCEEDED carries outputs, seed and models and no
 * error; every other status carries an error (CANCELLED with code CANCELLED, EXPIRED with DEADLINE_EXPIRED)
 * and, where known by then, seed and models.
 *
 * @param outputs never null; empty unless SUCCEEDED
 * @param timings milliseconds per phase (phase order), only the phases that ran
 * @param seed    the noise seed used; null when the job failed before it was resolved
 * @param models  the model set; null when the job failed before it was loaded
 */
public record ResultEvent(
        int schemaVersion,
        String jobId,
        int attempt,
        JobStatus status,
        List<OutputInfo> outputs,
        ErrorInfo error,
        Map<Phase, Long> timings,
        Long seed,
        ModelInfo models) {

    public ResultEvent {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(status, "status");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        EnumMap<Phase, Long> t = new EnumMap<>(Phase.class);
        if (timings != null) {
            timings.forEach((phase, ms) -> {
                if (phase == null || ms == null || ms < 0) {
                    throw new IllegalArgumentException("bad timing " + phase + "=" + ms);
                }
                t.put(phase, ms);
            });
        }
        timings = Collections.unmodifiableMap(t);
        if (status == JobStatus.SUCCEEDED) {
            if (error != null) {
                throw new IllegalArgumentException("a SUCCEEDED result carries no error");
            }
            if (outputs.isEmpty() || seed == null || models == null) {
                throw new IllegalArgumentException("a SUCCEEDED result needs outputs, seed and models");
            }
        } else {
            if (error == null) {
                throw new IllegalArgumentException("a " + status + " result needs an error");
            }
            if (!outputs.isEmpty()) {
                throw new IllegalArgumentException("a " + status + " result has no outputs");
            }
            JobStatus expected = error.errorCode().map(JobStatus::forError).orElse(status);
            if (expected != status) {
                throw new IllegalArgumentException("error " + error.code() + " ends a job " + expected + ", not "
                        + status);
            }
        }
    }

    public static ResultEvent succeeded(String jobId, int attempt, List<OutputInfo> outputs,
            Map<Phase, Long> timings, long seed, ModelInfo models) {
        return new ResultEvent(JobRequest.SCHEMA_VERSION, jobId, attempt, JobStatus.SUCCEEDED, outputs, null,
                timings, seed, models);
    }

    /**
     * A failure; the status follows the code ({@link JobStatus#forError}: CANCELLED, DEADLINE_EXPIRED → EXPIRED,
     * anything else FAILED).
     *
     * @param seed   null when not resolved yet
     * @param models null when not loaded yet
     */
    public static ResultEvent failed(String jobId, int attempt, ErrorCode code, String message,
            Map<Phase, Long> timings, Long seed, ModelInfo models) {
        return new ResultEvent(JobRequest.SCHEMA_VERSION, jobId, attempt, JobStatus.forError(code), List.of(),
                ErrorInfo.of(code, message), timings, seed, models);
    }

    /** A failure before any phase ran (e.g. a rejected request whose jobId could be read). */
    public static ResultEvent failed(String jobId, int attempt, StylizeException e) {
        return failed(jobId, attempt, e.code(), e.getMessage(), Map.of(), null, null);
    }
}
