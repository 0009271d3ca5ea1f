package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatentPreviewTest {

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    /** A zero latent shows the bias, (1 + bias)·127.5 → (123, 118, 117). */
    @Test
    void zeroLatentShowsTheBias() {
        assertArrayEquals(new int[] {rgb(123, 118, 117), rgb(123, 118, 117)},
                LatentPreview.rgb(new float[16 * 2], 1, 2));
    }

    /**
     * Hand-computed from the Latent2RGB table (docs/pipeline.md#latent-preview), on a 2×2 latent so the
     * pixel layout is checked too:
     * channel 4 = 1 at (0, 1): R (1 + 0.0859 − 0.0329)·127.5 = 134.26 → 134, G (1 + 0.0721 − 0.0718)·127.5
     * = 127.54 → 128, B (1 + 0.0329 − 0.0851)·127.5 = 120.84 → 121. Channel 13 = 10 at (1, 0): R −1.2969
     * and B −1.1881 clamp to −1 → 0, G (1 − 0.522 − 0.0718)·127.5 = 51.79 → 52.
     */
    @Test
    void oneHotLatentsGiveTheirFactorRows() {
        int h = 2;
        int w = 2;
        float[] latent = new float[16 * h * w];
        latent[4 * h * w + 1] = 1f;      // channel 4, y 0, x 1
        latent[13 * h * w + 2] = 10f;    // channel 13, y 1, x 0
        assertArrayEquals(new int[] {rgb(123, 118, 117), rgb(134, 128, 121), rgb(0, 52, 0), rgb(123, 118, 117)},
                LatentPreview.rgb(latent, h, w));
    }

    @Test
    void predictedCleanIsXMinusSigmaV() {
        assertArrayEquals(new float[] {0.5f, 0.875f, 0f},
                LatentPreview.predictedClean(new float[] {1f, 0.75f, 0f}, new float[] {2f, -0.5f, 0f}, 0.25f));
    }

    /** On the straight flow path x_σ = σ·ε + (1 − σ)·z0 with velocity v = ε − z0, x0 recovers z0. */
    @Test
    void predictedCleanRecoversTheCleanLatentOnTheFlowPath() {
        float[] z0 = GaussianNoise.sample(1, 64);
        float[] eps = GaussianNoise.sample(2, 64);
        float sigma = 0.8299564f;
        float[] x = new float[64];
        float[] v = new float[64];
        for (int k = 0; k < 64; k++) {
            x[k] = (float) (sigma * (double) eps[k] + (1 - (double) sigma) * z0[k]);
            v[k] = (float) ((double) eps[k] - z0[k]);
        }
        float[] clean = LatentPreview.predictedClean(x, v, sigma);
        for (int k = 0; k < 64; k++) {
            assertEquals(z0[k], clean[k], 2e-6, "value " + k);
        }
    }

    @Test
    void rejectsWrongShapes() {
        assertThrows(IllegalArgumentException.class, () -> LatentPreview.rgb(new float[15 * 4], 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> LatentPreview.predictedClean(new float[3], new float[4], 1f));
    }
}
