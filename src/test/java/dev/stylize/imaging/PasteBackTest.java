package dev.stylize.imaging;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PasteBackTest {

    @Test
    void zeroFeatherIsAHardPaste() {
        RgbImage original = TestImages.randomImage(9, 7, 1, false);
        RgbImage generated = TestImages.randomImage(9, 7, 2, false);
        float[] mask = Canvas.rectMask(9, 7, 2, 1, 4, 3);
        RgbImage out = PasteBack.feathered(original, generated, mask, 0);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 9; x++) {
                RgbImage expected = mask[y * 9 + x] == 1f ? generated : original;
                assertEquals(expected.rgb24(x, y), out.rgb24(x, y), x + "," + y);
            }
        }
    }

    @Test
    void featherRampsLinearlyOutsideTheMask() {
        // mask covers x < 2 of a 9-wide strip; generated = 200, original = 0; featherPx 3:
        // distances 1, 2, 3 -> 3/4, 2/4, 1/4 of generated; distance ≥ 4 -> original
        RgbImage original = RgbImage.filled(9, 1, 0x000000);
        RgbImage generated = RgbImage.filled(9, 1, 0xC8C8C8);
        float[] mask = Canvas.rectMask(9, 1, 0, 0, 2, 1);
        RgbImage out = PasteBack.feathered(original, generated, mask, 3);
        int[] expected = {200, 200, 150, 100, 50, 0, 0, 0, 0};
        for (int x = 0; x < 9; x++) {
            assertEquals(expected[x], out.g(x, 0), "x=" + x);
        }
    }

    @Test
    void maskedPixelsAreAlwaysGenerated() {
        RgbImage original = TestImages.randomImage(20, 20, 3, false);
        RgbImage generated = TestImages.randomImage(20, 20, 4, false);
        float[] mask = randomMask(20, 20, 5, 0.3);
        RgbImage out = PasteBack.feathered(original, generated, mask, 6);
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == 1f) {
                assertEquals(generated.rgb24(i % 20, i / 20), out.rgb24(i % 20, i / 20));
            }
        }
    }

    @Test
    void emptyMaskKeepsTheOriginal() {
        RgbImage original = TestImages.randomImage(5, 4, 6, true);
        RgbImage out = PasteBack.feathered(original, TestImages.randomImage(5, 4, 7, false), new float[20], 10);
        assertEquals(original.withoutAlpha(), out);
    }

    @Test
    void distanceTransformIsExactEuclidean() {
        Random random = new Random(8);
        for (int trial = 0; trial < 20; trial++) {
            int w = 1 + random.nextInt(30);
            int h = 1 + random.nextInt(30);
            float[] mask = randomMask(w, h, random.nextLong(), random.nextDouble() * 0.1);
            double[] d2 = DistanceTransform.squaredDistanceToMask(mask, w, h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double best = Double.POSITIVE_INFINITY;
                    for (int i = 0; i < mask.length; i++) {
                        if (mask[i] == 1f) {
                            double dx = x - i % w, dy = y - i / w;
                            best = Math.min(best, dx * dx + dy * dy);
                        }
                    }
                    if (best == Double.POSITIVE_INFINITY) {
                        assertEquals(true, d2[y * w + x] >= 1e19);
                    } else {
                        assertEquals(best, d2[y * w + x], w + "x" + h + " at " + x + "," + y);
                    }
                }
            }
        }
    }

    @Test
    void mismatchedInputsAreRejected() {
        RgbImage a = RgbImage.filled(3, 3, 0);
        assertThrows(IllegalArgumentException.class, () -> PasteBack.feathered(a, RgbImage.filled(3, 2, 0),
                new float[9], 1));
        assertThrows(IllegalArgumentException.class, () -> PasteBack.feathered(a, a, new float[8], 1));
        assertThrows(IllegalArgumentException.class, () -> PasteBack.feathered(a, a, new float[9], -1));
    }

    private static float[] randomMask(int w, int h, long seed, double density) {
        Random random = new Random(seed);
        float[] mask = new float[w * h];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < density ? 1f : 0f;
        }
        return mask;
    }
}
