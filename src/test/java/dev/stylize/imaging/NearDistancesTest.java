package dev.stylize.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The capped row-wise distances equal the full transform's wherever they are below the cap, and paste-back
 * built on them gives the bytes it gave on the full transform.
 */
class NearDistancesTest {

    @Test
    void exactBelowTheCapAndCappedAbove() {
        Random random = new Random(2);
        for (int run = 0; run < 150; run++) {
            int w = 1 + random.nextInt(70);
            int h = 1 + random.nextInt(70);
            float[] mask = mask(random, w, h);
            int cap = 1 + random.nextInt(random.nextBoolean() ? 12 : NearDistances.MAX_CAP);
            double[] full = DistanceTransform.squaredDistanceToMask(mask, w, h);
            NearDistances near = NearDistances.of(mask, w, h, cap);
            double[] row = new double[w];
            for (int y = 0; y < h; y++) {
                near.row(y, row);
                for (int x = 0; x < w; x++) {
                    double expected = Math.min(full[y * w + x], (double) cap * cap);
                    assertEquals(expected, row[x], run + ": " + w + "x" + h + " cap " + cap + " at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void pasteBackGivesTheBytesOfTheFullTransform() {
        Random random = new Random(4);
        int[] feathers = {0, 1, 3, 8, 20, 253, 254, 255, 300};
        for (int run = 0; run < 120; run++) {
            int w = 1 + random.nextInt(80);
            int h = 1 + random.nextInt(80);
            float[] mask = mask(random, w, h);
            int feather = feathers[run % feathers.length];
            RgbImage original = TestImages.randomImage(w, h, run, run % 3 == 0);
            RgbImage generated = TestImages.randomImage(w, h, run + 1000, false);
            assertArrayEquals(fullTransformPasteBack(original, generated, mask, feather),
                    PasteBack.feathered(original, generated, mask, feather).rgb(),
                    run + ": " + w + "x" + h + " feather " + feather);
        }
    }

    /** Paste-back as it was written on the full distance transform (before the capped one). */
    private static byte[] fullTransformPasteBack(RgbImage original, RgbImage generated, float[] mask, int featherPx) {
        int w = original.width();
        int h = original.height();
        double[] dist2 = DistanceTransform.squaredDistanceToMask(mask, w, h);
        byte[] o = original.rgb();
        byte[] g = generated.rgb();
        byte[] out = new byte[w * h * 3];
        double ramp = featherPx + 1.0;
        for (int i = 0; i < w * h; i++) {
            int j = 3 * i;
            double d2 = dist2[i];
            for (int c = 0; c < 3; c++) {
                if (d2 == 0) {
                    out[j + c] = g[j + c];
                } else if (d2 >= ramp * ramp) {
                    out[j + c] = o[j + c];
                } else {
                    double wg = 1.0 - Math.sqrt(d2) / ramp;
                    int ov = o[j + c] & 0xFF;
                    int gv = g[j + c] & 0xFF;
                    out[j + c] = (byte) Math.round(ov + (gv - ov) * wg);
                }
            }
        }
        return out;
    }

    /** Sparse points, blobs, or nothing at all. */
    private static float[] mask(Random random, int w, int h) {
        float[] m = new float[w * h];
        int kind = random.nextInt(5);
        if (kind == 0) {
            return m;
        }
        double density = kind == 1 ? 0.002 : kind == 2 ? 0.05 : 0.4;
        for (int i = 0; i < m.length; i++) {
            if (random.nextDouble() < density) {
                m[i] = 1f;
            }
        }
        return m;
    }
}
