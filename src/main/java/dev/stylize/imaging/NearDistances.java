package dev.stylize.imaging;

import java.util.Arrays;

/**
 * Squared Euclidean distances to the nearest mask pixel ({@code mask ≥ 0.5}), one row at a time, exact where
 * they are below {@code cap²} and {@code cap²} elsewhere: all that a feather of {@code cap − 1} pixels needs,
 * in one byte per pixel instead of the eight a full {@link DistanceTransform} holds.
 *
 * <p>Column pass: each pixel's vertical distance to the nearest mask pixel in its column, capped at
 * {@code cap} (one sweep down, one up). Row pass: the lower envelope of the parabolas
 * {@code (x − x')² + min(dy(x'), cap)²} along the row ({@link DistanceTransform#envelope}), which is
 * {@code min(d², cap²)}: every term with a capped {@code dy} is at least {@code cap²}, and so is the row's own.
 */
final class NearDistances {
    /** A column distance must fit a byte. */
    static final int MAX_CAP = 255;

    private final byte[] columnDistance;
    private final int width;
    private final double[] f;
    private final int[] v;
    private final double[] z;

    private NearDistances(byte[] columnDistance, int width) {
        this.columnDistance = columnDistance;
        this.width = width;
        this.f = new double[width];
        this.v = new int[width];
        this.z = new double[width + 1];
    }

    static NearDistances of(float[] mask, int width, int height, int cap) {
        if (cap < 1 || cap > MAX_CAP) {
            throw new IllegalArgumentException("cap must be in 1.." + MAX_CAP + ", got " + cap);
        }
        if (mask.length != (long) width * height) {
            throw new IllegalArgumentException("mask has " + mask.length + " values for " + width + "x" + height);
        }
        byte[] dy = new byte[mask.length];
        int[] run = new int[width];
        Arrays.fill(run, cap);
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++, i++) {
                run[x] = mask[i] >= 0.5f ? 0 : Math.min(run[x] + 1, cap);
                dy[i] = (byte) run[x];
            }
        }
        Arrays.fill(run, cap);
        for (int y = height - 1; y >= 0; y--) {
            for (int x = 0, i = y * width; x < width; x++, i++) {
                run[x] = mask[i] >= 0.5f ? 0 : Math.min(run[x] + 1, cap);
                dy[i] = (byte) Math.min(dy[i] & 0xFF, run[x]);
            }
        }
        return new NearDistances(dy, width);
    }

    /** Row {@code y}'s capped squared distances into {@code out} ({@code width} values). */
    void row(int y, double[] out) {
        for (int x = 0, i = y * width; x < width; x++, i++) {
            int d = columnDistance[i] & 0xFF;
            f[x] = (double) d * d;
        }
        DistanceTransform.envelope(f, width, out, v, z);
    }
}
