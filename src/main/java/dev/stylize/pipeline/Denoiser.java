package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.HostTensor;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The flow-matching Euler loop (docs/pipeline.md#euler-loop). Inputs that do not change between steps
 * (text, pooled, ids, guidance, the Fill conditioning columns of hidden_states) are built once;
 * each step rewrites only the x columns of hidden_states and the timestep.
 */
final class Denoiser {
    /** Everything the loop needs; {@code cond} is (N, 320) Fill conditioning or null for dev. */
    record Inputs(float[] x, float[] cond, int latentChannels, int h, int w,
            float[] text, int textRows, int textWidth, float[] pooled, float guidance, float[] sigmas, int start,
            int previewEvery) {}

    /** Per-step time inside session.run, for the benchmark. */
    interface StepTimer {
        StepTimer NONE = (step, runNanos, totalNanos) -> {};

        void onStep(int step, long runNanos, long totalNanos);
    }

    private Denoiser() {}

    /** Runs steps start..N−1 and returns the final packed latent. */
    static float[] run(ModelSession transformer, Inputs in, RunControl control, ProgressListener progress,
            StepTimer timer) {
        int tokens = (in.h / 2) * (in.w / 2);
        int xWidth = in.latentChannels * 4;
        int width = in.cond == null ? xWidth : xWidth + in.cond.length / tokens;
        float[] x = in.x.clone();
        Map<String, HostTensor> feed = new HashMap<>();
        try {
            HostTensor hidden = transformer.input(Component.TransformerRoles.HIDDEN_STATES, 1, tokens, width);
            feed.put(Component.TransformerRoles.HIDDEN_STATES, hidden);
            if (in.cond != null) {
                hidden.writeColumns(in.cond, tokens, width - xWidth, width, xWidth);
            }
            feed.put(Component.TransformerRoles.ENCODER_HIDDEN_STATES, transformer.input(
                    Component.TransformerRoles.ENCODER_HIDDEN_STATES, in.text, 1, in.textRows, in.textWidth));
            feed.put(Component.TransformerRoles.POOLED_PROJECTIONS, transformer.input(
                    Component.TransformerRoles.POOLED_PROJECTIONS, in.pooled, 1, in.pooled.length));
            feed.put(Component.TransformerRoles.IMG_IDS, transformer.input(
                    Component.TransformerRoles.IMG_IDS, PositionIds.imageIds(in.h, in.w), tokens, 3));
            feed.put(Component.TransformerRoles.TXT_IDS, transformer.input(
                    Component.TransformerRoles.TXT_IDS, PositionIds.textIds(in.textRows), in.textRows, 3));
            feed.put(Component.TransformerRoles.GUIDANCE, transformer.input(
                    Component.TransformerRoles.GUIDANCE, new float[] {in.guidance}, 1));
            HostTensor timestep = transformer.input(Component.TransformerRoles.TIMESTEP, 1);
            feed.put(Component.TransformerRoles.TIMESTEP, timestep);

            int total = in.sigmas.length - 1 - in.start;
            long begin = System.nanoTime();
            for (int k = in.start; k < in.sigmas.length - 1; k++) {
                control.checkpoint();
                long t0 = System.nanoTime();
                float sigma = in.sigmas[k];
                hidden.writeColumns(x, tokens, xWidth, width, 0);
                timestep.write(new float[] {sigma});
                long r0 = System.nanoTime();
                float[] v = transformer.run(feed, control).get(Component.TransformerRoles.LATENT);
                long runNanos = System.nanoTime() - r0;
                float[] before = needsPreview(in, k) ? x.clone() : null;
                float dt = in.sigmas[k + 1] - sigma;
                for (int i = 0; i < x.length; i++) {
                    x[i] += dt * v[i];
                }
                int done = k - in.start + 1;
                long elapsed = System.nanoTime() - begin;
                long eta = (elapsed / done) * (total - done) / 1_000_000;
                Supplier<RgbImage> preview = before == null ? null : () -> preview(before, v, sigma, in);
                timer.onStep(done, runNanos, System.nanoTime() - t0);
                progress.onStep(done, total, eta, preview);
            }
            return x;
        } finally {
            feed.values().forEach(HostTensor::close);
        }
    }

    private static boolean needsPreview(Inputs in, int k) {
        int done = k - in.start + 1;
        return in.previewEvery > 0 && done % in.previewEvery == 0;
    }

    /** Predicted clean latent x − σ·v through the Latent2RGB map (docs/pipeline.md#latent-preview), at 1/8 resolution. */
    private static RgbImage preview(float[] x, float[] v, float sigma, Inputs in) {
        float[] clean = LatentPreview.predictedClean(x, v, sigma);
        int[] rgb = LatentPreview.rgb(LatentPacking.unpack(clean, in.latentChannels, in.h, in.w), in.h, in.w);
        byte[] bytes = new byte[rgb.length * 3];
        for (int i = 0; i < rgb.length; i++) {
            bytes[3 * i] = (byte) (rgb[i] >> 16);
            bytes[3 * i + 1] = (byte) (rgb[i] >> 8);
            bytes[3 * i + 2] = (byte) rgb[i];
        }
        return new RgbImage(in.w, in.h, bytes, null);
    }
}
