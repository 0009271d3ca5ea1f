package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.Phase;
import java.util.function.Supplier;

/** Receives a job's progress. Called on the job's thread: implementations must be quick. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    default void onPhase(Phase phase) {}

    /**
     * After denoising step {@code step} (1-based) of {@code total}. {@code preview} is non-null on
     * preview steps and renders the predicted clean latent at 1/8 resolution when called.
     */
    default void onStep(int step, int total, long etaMs, Supplier<RgbImage> preview) {}
}
