package dev.stylize.imaging;

/**
 * Exact Euclidean distance transform in O(W·H): a 1-D lower envelope of parabolas over each column, then over
 * each row of the result (Felzenszwalb &amp; Huttenlocher, "Distance Transforms of Sampled Functions", 2012).
 */
final class DistanceTransform {
    /** Stands for "no mask pixel here"; large enough, finite so that the arithmetic stays finite. */
    private static final double FAR = 1e20;

    private DistanceTransform() {
    }

    /**
     * For every pixel the squared distance to the nearest pixel with {@code mask ≥ 0.5} (0 on the mask), or a
     * value ≥ 1e20 when the mask is empty.
     */
    static double[] squaredDistanceToMask(float[] mask, int width, int height) {
        double[] d = new double[width * height];
        for (int i = 0; i < d.length; i++) {
            d[i] = mask[i] >= 0.5f ? 0.0 : FAR;
        }
        int n = Math.max(width, height);
        double[] f = new double[n];
        double[] out = new double[n];
        int[] v = new int[n];
        double[] z = new double[n + 1];
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                f[y] = d[y * width + x];
            }
            envelope(f, height, out, v, z);
            for (int y = 0; y < height; y++) {
                d[y * width + x] = out[y];
            }
        }
        for (int y = 0; y < height; y++) {
            System.arraycopy(d, y * width, f, 0, width);
            envelope(f, width, out, v, z);
            System.arraycopy(out, 0, d, y * width, width);
        }
        return d;
    }

    /** {@code out[q] = min_p (q − p)² + f[p]} for q in [0, n). */
    static void envelope(double[] f, int n, double[] out, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s = intersection(f, q, v[k]);
            while (s <= z[k]) { // z[0] = −∞ stops this at k = 0: s is always finite
                k--;
                s = intersection(f, q, v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) {
                k++;
            }
            double dq = q - v[k];
            out[q] = dq * dq + f[v[k]];
        }
    }

    /** Where the parabolas rooted at q and p (p &lt; q) intersect. */
    private static double intersection(double[] f, int q, int p) {
        return ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
    }
}
