package dev.stylize.pipeline;

/**
 * The flow-matching σ schedule of FLUX.1 (docs/pipeline.md#sigma-schedule) and the img2img start
 * index (docs/pipeline.md#img2img-start).
 *
 * <p>σ follows the diffusers path, which is what {@code FluxPipeline} / {@code
 * FluxFillPipeline} actually compute in numpy: {@code t = linspace(1, 1/N, N)} in float64, cast
 * to float32, time-shifted in float32 with the float32 value of {@code e^μ}, then a final 0 is
 * appended. BFL's {@code get_schedule} gives the same grid up to one float32 ulp.
 */
public final class FlowSchedule {
    static final double BASE_SEQ_LEN = 256;
    static final double MAX_SEQ_LEN = 4096;
    static final double BASE_SHIFT = 0.5;
    static final double MAX_SHIFT = 1.15;

    private FlowSchedule() {}

    /**
     * Resolution-dependent shift μ: the line through (256, 0.5) and (4096, 1.15), extrapolated
     * beyond, evaluated in float64 in the same order as diffusers' {@code calculate_shift}.
     *
     * @param imageTokens packed image token count N_img = (H/16)·(W/16), text tokens not counted
     */
    public static double mu(int imageTokens) {
        Shapes.positive(imageTokens, "imageTokens");
        double m = (MAX_SHIFT - BASE_SHIFT) / (MAX_SEQ_LEN - BASE_SEQ_LEN);
        double b = BASE_SHIFT - m * BASE_SEQ_LEN;
        return imageTokens * m + b;
    }

    /**
     * The N+1 sigmas σ_0 = 1 &gt; … &gt; σ_{N−1} &gt; σ_N = 0 of an N-step run (diffusers float32 path).
     * Step k goes from σ_k to σ_{k+1}; the transformer's {@code timestep} input at step k is σ_k.
     *
     * @param steps N ≥ 1
     * @param imageTokens N_img, for μ
     * @return float[N+1]
     */
    public static float[] sigmas(int steps, int imageTokens) {
        Shapes.positive(steps, "steps");
        float expMu = (float) StrictMath.exp(mu(imageTokens));
        double[] t = linspace(1.0, 1.0 / steps, steps);
        float[] sigmas = new float[steps + 1];
        for (int k = 0; k < steps; k++) {
            sigmas[k] = timeShift(expMu, (float) t[k]);
        }
        sigmas[steps] = 0f;
        return sigmas;
    }

    /**
     * First schedule index of an img2img ("restyle") run, diffusers' {@code get_timesteps}:
     * {@code init = min(N·strength, N)}, {@code t_start = int(max(N − init, 0))}, with the same double
     * arithmetic and truncation as Python (25·0.56 = 14.000000000000002 gives t_start = 10, not 11;
     * 28·0.6 = 16.8 gives 11). The run then
     * takes the N − t_start steps from σ_{t_start}; strength 1 gives 0 (start from pure noise).
     *
     * @throws IllegalArgumentException if strength is outside [0, 1] or N − t_start &lt; 1 (no step left)
     */
    public static int startIndex(int steps, double strength) {
        Shapes.positive(steps, "steps");
        Shapes.require(strength >= 0 && strength <= 1, "strength must be in [0, 1], got " + strength);
        double initTimestep = Math.min(steps * strength, steps);
        int tStart = (int) Math.max(steps - initTimestep, 0);
        Shapes.require(steps - tStart >= 1,
                "strength " + strength + " leaves no denoising step out of " + steps);
        return tStart;
    }

    /** σ(t) = e^μ / (e^μ + (1/t − 1)) in float32, time-shift exponent 1; t = 0 gives 0. */
    static float timeShift(float expMu, float t) {
        return expMu / (expMu + (1f / t - 1f));
    }

    /** numpy's float64 {@code linspace(start, stop, num)}: {@code k·step + start}, last value exactly stop. */
    static double[] linspace(double start, double stop, int num) {
        double[] values = new double[num];
        if (num == 1) {
            values[0] = start;
            return values;
        }
        double step = (stop - start) / (num - 1);
        for (int k = 0; k < num; k++) {
            values[k] = k * step + start;
        }
        values[num - 1] = stop;
        return values;
    }
}
