package dev.stylize.analytic;

import java.util.Random;

/** Non-square, asymmetric test inputs shared by the analytic model tests. */
final class Fixtures {

    /** Canvas size: 48 rows × 32 columns → latent 6×4, token grid 3×2, N = 6. */
    static final int H = 48;
    static final int W = 32;
    static final int LH = H / 8;
    static final int LW = W / 8;
    static final int N = (LH / 2) * (LW / 2);

    private Fixtures() {}

    /** CHW in [-1,1]: red ramps along x, green along y, blue varies with both (non-separably). */
    static float[] gradientCanvas() {
        float[] img = new float[3 * H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                img[y * W + x] = -0.9f + 1.8f * x / (W - 1);
                img[H * W + y * W + x] = 0.8f - 1.6f * y / (H - 1);
                img[2 * H * W + y * W + x] = (float) (0.7 * Math.sin(0.21 * x + 0.003 * y * y + 0.4));
            }
        }
        return img;
    }

    /**
     * L-shaped binary mask (H×W, 1 = generate): a vertical bar x∈[6,14), y∈[20,44) and a foot
     * x∈[6,30), y∈[36,44). Edges are not on 8-pixel lines, so many patches are partly masked.
     */
    static float[] lShapedMask() {
        float[] mask = new float[H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean bar = x >= 6 && x < 14 && y >= 20 && y < 44;
                boolean foot = x >= 6 && x < 30 && y >= 36 && y < 44;
                mask[y * W + x] = bar || foot ? 1f : 0f;
            }
        }
        return mask;
    }

    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static float[] uniform(int n, float lo, float hi, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextFloat();
        }
        return v;
    }

    /** A 384×384 reference picture (CHW, [-1,1]) whose 14×14 cells all differ. */
    static float[] siglipPicture() {
        int s = 384;
        float[] px = new float[3 * s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                px[y * s + x] = (float) Math.sin(0.013 * x + 0.031 * y);
                px[s * s + y * s + x] = -0.6f + 1.2f * y / (s - 1);
                px[2 * s * s + y * s + x] = 0.5f * (float) Math.cos(0.02 * x * (1 + y / 400.0));
            }
        }
        return px;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            float d = Math.abs(a[i] - b[i]);
            if (!(d <= max)) { // also catches NaN
                max = Float.isNaN(d) ? Float.POSITIVE_INFINITY : d;
            }
        }
        return max;
    }
}
