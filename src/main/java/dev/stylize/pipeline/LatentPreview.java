package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;

/**
 * Cheap RGB preview of a running denoise (docs/pipeline.md#latent-preview, ComfyUI's Latent2RGB for
 * Flux): the predicted clean latent x0 = x − σ·v, projected per latent pixel by a 16×3 matrix, at 1/8
 * resolution.
 */
public final class LatentPreview {
    /** ComfyUI {@code latent_rgb_factors} for Flux: row = latent channel 0..15, columns R, G, B. */
    static final float[][] FACTORS = {
        {-0.0346f, 0.0244f, 0.0681f},
        {0.0034f, 0.0210f, 0.0687f},
        {0.0275f, -0.0668f, -0.0433f},
        {-0.0174f, 0.0160f, 0.0617f},
        {0.0859f, 0.0721f, 0.0329f},
        {0.0004f, 0.0383f, 0.0115f},
        {0.0405f, 0.0861f, 0.0915f},
        {-0.0236f, -0.0185f, -0.0259f},
        {-0.0245f, 0.0250f, 0.1180f},
        {0.1008f, 0.0755f, -0.0421f},
        {-0.0515f, 0.0201f, 0.0011f},
        {0.0428f, -0.0012f, -0.0036f},
        {0.0817f, 0.0765f, 0.0749f},
        {-0.1264f, -0.0522f, -0.1103f},
        {-0.0280f, -0.0881f, -0.0499f},
        {-0.1262f, -0.0982f, -0.0778f},
    };
    /** ComfyUI {@code latent_rgb_factors_bias} for Flux (R, G, B). */
    static final float[] BIAS = {-0.0329f, -0.0718f, -0.0851f};
    static final int CHANNELS = 16;

    private LatentPreview() {}

    /** The preview of a step: x0 = x − σ·v of the packed x before the step, unpacked, through Latent2RGB. */
    static RgbImage image(float[] xTokens, float[] vTokens, float sigma, LatentGrid grid) {
        float[] clean = predictedClean(xTokens, vTokens, sigma);
        int h = grid.h();
        int w = grid.w();
        int[] rgb = rgb(LatentPacking.unpack(clean, grid.channels(), h, w), h, w);
        byte[] bytes = new byte[rgb.length * 3];
        for (int i = 0; i < rgb.length; i++) {
            bytes[3 * i] = (byte) (rgb[i] >> 16);
            bytes[3 * i + 1] = (byte) (rgb[i] >> 8);
            bytes[3 * i + 2] = (byte) rgb[i];
        }
        return new RgbImage(w, h, bytes, null);
    }

    /**
     * Predicted clean sample at step k (ComfyUI {@code CONST}): {@code x0 = x − σ_k·v}, float32.
     *
     * @param xTokens current state, (N_img, 64) packed
     * @param vTokens transformer output (velocity), same shape
     * @param sigma σ_k of the step that produced v
     * @return new array of the same shape
     */
    public static float[] predictedClean(float[] xTokens, float[] vTokens, float sigma) {
        Shapes.require(xTokens != null, "xTokens must not be null");
        Shapes.length(vTokens, xTokens.length, "vTokens");
        float[] clean = new float[xTokens.length];
        for (int i = 0; i < clean.length; i++) {
            clean[i] = xTokens[i] - sigma * vTokens[i];
        }
        return clean;
    }

    /**
     * Latent2RGB: per latent pixel {@code rgb = Σ_c x0[c]·F[c,:] + bias}, clamped to [−1, 1],
     * {@code (rgb + 1)·127.5} rounded half to even. Sums are taken in double.
     *
     * @param canonicalLatent unpacked x0, (16, h, w), in the normalized latent space
     * @return new int[h·w], row-major, each {@code 0xRRGGBB}
     */
    public static int[] rgb(float[] canonicalLatent, int h, int w) {
        Shapes.positive(h, "h");
        Shapes.positive(w, "w");
        Shapes.length(canonicalLatent, (long) CHANNELS * h * w, "canonicalLatent");
        int plane = h * w;
        int[] pixels = new int[plane];
        for (int p = 0; p < plane; p++) {
            int packed = 0;
            for (int rgb = 0; rgb < 3; rgb++) {
                double value = BIAS[rgb];
                for (int c = 0; c < CHANNELS; c++) {
                    value += (double) canonicalLatent[c * plane + p] * FACTORS[c][rgb];
                }
                packed = (packed << 8) | toByte(value);
            }
            pixels[p] = packed;
        }
        return pixels;
    }

    private static int toByte(double value) {
        double clamped = Math.min(Math.max(value, -1.0), 1.0);
        return (int) Math.rint((clamped + 1.0) * 127.5);
    }
}
