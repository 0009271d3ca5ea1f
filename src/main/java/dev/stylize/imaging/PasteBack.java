package dev.stylize.imaging;

import java.util.Objects;

/**
 * Pastes generated pixels back over the original through the mask, with a linear feather.
 *
 * <p>Inside the mask ({@code mask ≥ 0.5}) the result is always the generated pixel: the region the user asked
 * to change is never blended with the original. Outside it, a pixel at Euclidean distance {@code d} (in pixels)
 * from the nearest mask pixel takes {@code w = max(0, 1 − d/(featherPx + 1))} of the generated image and
 * {@code 1 − w} of the original, so the blend covers the {@code featherPx} pixels around the mask edge and
 * everything farther away is the original, untouched. {@code featherPx = 0} is a hard paste. The result has no
 * alpha channel.
 */
public final class PasteBack {

    private PasteBack() {
    }

    public static RgbImage feathered(RgbImage original, RgbImage generated, float[] mask, int featherPx) {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(generated, "generated");
        Objects.requireNonNull(mask, "mask");
        int w = original.width();
        int h = original.height();
        if (generated.width() != w || generated.height() != h) {
            throw new IllegalArgumentException("generated " + generated + " and original " + original
                    + " differ in size");
        }
        if (mask.length != w * h) {
            throw new IllegalArgumentException("mask has " + mask.length + " values for a " + w + "x" + h + " image");
        }
        if (featherPx < 0) {
            throw new IllegalArgumentException("featherPx must be ≥ 0, got " + featherPx);
        }
        byte[] o = original.rgb();
        byte[] g = generated.rgb();
        byte[] out = new byte[w * h * 3];
        double ramp = featherPx + 1.0;
        // Only distances below the ramp matter: the capped transform needs a byte per pixel, the full one eight.
        DistanceRows distances = featherPx < NearDistances.MAX_CAP
                ? NearDistances.of(mask, w, h, featherPx + 1)::row
                : full(DistanceTransform.squaredDistanceToMask(mask, w, h), w);
        double[] dist2 = new double[w];
        for (int y = 0; y < h; y++) {
            distances.row(y, dist2);
            for (int x = 0; x < w; x++) {
                int j = 3 * (y * w + x);
                double d2 = dist2[x];
                if (d2 == 0) {
                    out[j] = g[j];
                    out[j + 1] = g[j + 1];
                    out[j + 2] = g[j + 2];
                } else if (d2 >= ramp * ramp) {
                    out[j] = o[j];
                    out[j + 1] = o[j + 1];
                    out[j + 2] = o[j + 2];
                } else {
                    double wg = 1.0 - Math.sqrt(d2) / ramp;
                    for (int c = 0; c < 3; c++) {
                        int ov = o[j + c] & 0xFF;
                        int gv = g[j + c] & 0xFF;
                        out[j + c] = (byte) Math.round(ov + (gv - ov) * wg);
                    }
                }
            }
        }
        return RgbImage.of(w, h, out);
    }

    /** Squared distances to the mask, a row at a time. */
    private interface DistanceRows {
        void row(int y, double[] out);
    }

    private static DistanceRows full(double[] dist2, int w) {
        return (y, out) -> System.arraycopy(dist2, y * w, out, 0, w);
    }
}
