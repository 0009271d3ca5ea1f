package dev.stylize.job;

import java.util.Objects;

/**
 * Progress of one attempt of a job (stylize.progress). {@code step}/{@code steps} count denoising steps
 * ({@code step} is 0 before DENOISING and equals {@code steps} after it); {@code progress} is the fraction of
 * the whole job done, in [0, 1].
 *
 * @param etaMs   estimated milliseconds until the result, null (omitted) while unknown
 * @param preview a latent preview image uploaded at this step, null when none
 */
public record ProgressEvent(
        int schemaVersion,
        String jobId,
        int attempt,
        Phase phase,
        int step,
        int steps,
        double progress,
        Long etaMs,
        JobRequest.ObjectRef preview) {

    public ProgressEvent {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(phase, "phase");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
        if (steps < 0 || step < 0 || step > steps) {
            throw new IllegalArgumentException("need 0 <= step <= steps, got step " + step + " of " + steps);
        }
        if (!(progress >= 0 && progress <= 1)) {
            throw new IllegalArgumentException("progress must be in [0, 1], got " + progress);
        }
        if (etaMs != null && etaMs < 0) {
            throw new IllegalArgumentException("etaMs must be >= 0, got " + etaMs);
        }
    }

    public static ProgressEvent of(String jobId, int attempt, Phase phase, int step, int steps, double progress,
            Long etaMs, JobRequest.ObjectRef preview) {
        return new ProgressEvent(JobRequest.SCHEMA_VERSION, jobId, attempt, phase, step, steps, progress, etaMs,
                preview);
    }

    /** A phase change outside the denoising loop (no preview). */
    public static ProgressEvent phase(String jobId, int attempt, Phase phase, int step, int steps, double progress,
            Long etaMs) {
        return of(jobId, attempt, phase, step, steps, progress, etaMs, null);
    }
}
