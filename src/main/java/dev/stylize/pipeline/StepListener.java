package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import java.util.function.Supplier;

/**
 * What the Euler loop ({@link Denoiser}) reports: its start and each step. Decorators make progress
 * of it ({@link EtaProgress}) or timings ({@link StageBenchmark}). Called on the job's thread.
 */
interface StepListener {
    StepListener NONE = (step, total, preview) -> {};

    /** Before the first step, once the transformer's inputs are built. */
    default void onStart(int total) {}

    /**
     * After step {@code step} (1-based) of {@code total}; {@code preview} is non-null on preview steps
     * and renders the predicted clean latent when called.
     */
    void onStep(int step, int total, Supplier<RgbImage> preview);

    /** This listener, then {@code next}. */
    default StepListener andThen(StepListener next) {
        StepListener first = this;
        return new StepListener() {
            @Override
            public void onStart(int total) {
                first.onStart(total);
                next.onStart(total);
            }

            @Override
            public void onStep(int step, int total, Supplier<RgbImage> preview) {
                first.onStep(step, total, preview);
                next.onStep(step, total, preview);
            }
        };
    }
}
