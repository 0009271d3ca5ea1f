package dev.stylize.pipeline;

import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;

/**
 * The flow-matching Euler loop (docs/pipeline.md#euler-loop), BFL's {@code denoise}: from the start
 * latent, one transformer call and one Euler step per σ of the schedule. Building the transformer's
 * inputs is {@link TransformerFeed}'s job; progress, ETA and timings are the {@link StepListener}'s.
 */
final class Denoiser {
    /**
     * What the transformer is conditioned on: the text sequence (T5 rows, then Redux rows; L_txt ×
     * width), the pooled vector, and for Fill the constant columns of hidden_states (N_img × 320,
     * docs/pipeline.md#fill-transformer-input); {@code fillColumns} is null for dev.
     */
    record Conditioning(float[] text, int textRows, int textWidth, float[] pooled, float[] fillColumns) {}

    /** The σ grid σ_0..σ_N and the index of the first step taken (0, or img2img's t_start). */
    record Schedule(float[] sigmas, int start) {
        /** Steps taken: start..N−1. */
        int steps() {
            return sigmas.length - 1 - start;
        }

        float startSigma() {
            return sigmas[start];
        }
    }

    private Denoiser() {}

    /**
     * Runs the schedule's steps from the packed latent {@code x} (not modified) and returns the final
     * packed latent. Every {@code previewEvery} steps (0 = never) the step report carries a preview.
     */
    static float[] run(ModelSession transformer, float[] x, LatentGrid grid, Conditioning conditioning,
            Schedule schedule, float guidance, int previewEvery, RunControl control, StepListener listener) {
        float[] latent = x.clone();
        float[] sigmas = schedule.sigmas();
        try (TransformerFeed model = new TransformerFeed(transformer, grid, conditioning, guidance)) {
            int total = schedule.steps();
            listener.onStart(total);
            for (int i = schedule.start(); i < sigmas.length - 1; i++) {
                control.checkpoint();
                float sigma = sigmas[i];
                float[] v = model.velocity(latent, sigma, control);
                int step = i - schedule.start() + 1;
                // The preview's x0 = x − σ·v needs x before the step.
                float[] before = previewEvery > 0 && step % previewEvery == 0 ? latent.clone() : null;
                eulerStep(latent, v, sigmas[i + 1] - sigma);
                listener.onStep(step, total,
                        before == null ? null : () -> LatentPreview.image(before, v, sigma, grid));
            }
            return latent;
        }
    }

    /** x ← x + (σ_next − σ)·v in place, in float32 whatever the graph's dtype. */
    static void eulerStep(float[] x, float[] v, float dt) {
        for (int i = 0; i < x.length; i++) {
            x[i] += dt * v[i];
        }
    }
}
