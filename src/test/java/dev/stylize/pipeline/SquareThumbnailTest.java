package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.stylize.imaging.MaskReader;
import dev.stylize.imaging.RgbImage;
import dev.stylize.imaging.SquareThumbnail;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A reference squashed right after decoding ({@link SquareThumbnail}) gives SigLIP's preprocessing exactly
 * the input the full image gives it: same pixel values, same patch mask.
 */
class SquareThumbnailTest {
    private static final int SIDE = 384;

    @Test
    void siglipSeesTheSamePixels() {
        Random random = new Random(3);
        int[][] sizes = {{1000, 700}, {384, 384}, {50, 900}, {1, 1}, {383, 385}, {2000, 3}};
        for (int[] s : sizes) {
            RgbImage full = random(random, s[0], s[1], s[0] % 2 == 0);
            RgbImage thumb = SquareThumbnail.image(full, SIDE);
            assertEquals(SIDE, thumb.width());
            assertEquals(SIDE, thumb.height());
            assertNull(thumb.alpha());
            assertArrayEquals(SiglipPreprocess.pixelValues(full, SIDE), SiglipPreprocess.pixelValues(thumb, SIDE),
                    s[0] + "x" + s[1]);
        }
    }

    @Test
    void siglipSeesTheSameMask() {
        Random random = new Random(5);
        int[][] sizes = {{1000, 700}, {384, 384}, {50, 900}, {7, 3}, {390, 380}};
        for (int[] s : sizes) {
            for (boolean byAlpha : new boolean[] {false, true}) {
                RgbImage mask = blobs(random, s[0], s[1], byAlpha);
                RgbImage thumb = SquareThumbnail.mask(mask, SIDE);
                float[] expected = SiglipPreprocess.mask(MaskReader.fromImage(mask), s[0], s[1], SIDE);
                float[] actual = SiglipPreprocess.mask(MaskReader.fromImage(thumb), SIDE, SIDE, SIDE);
                assertArrayEquals(expected, actual, s[0] + "x" + s[1] + (byAlpha ? " alpha" : " grey"));
            }
        }
    }

    private static RgbImage random(Random random, int w, int h, boolean alpha) {
        byte[] rgb = new byte[w * h * 3];
        random.nextBytes(rgb);
        byte[] a = alpha ? new byte[w * h] : null;
        if (a != null) {
            random.nextBytes(a);
        }
        return new RgbImage(w, h, rgb, a);
    }

    /** Random discs: edges at every angle, so the bilinear squash lands values on both sides of 128. */
    private static RgbImage blobs(Random random, int w, int h, boolean byAlpha) {
        float[] m = new float[w * h];
        for (int d = 0; d < 6; d++) {
            double cx = random.nextDouble() * w;
            double cy = random.nextDouble() * h;
            double r = (0.05 + random.nextDouble() * 0.2) * Math.max(w, h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r) {
                        m[y * w + x] = 1;
                    }
                }
            }
        }
        RgbImage grey = TestImages.maskImage(m, w, h);
        if (!byAlpha) {
            return grey;
        }
        byte[] alpha = new byte[w * h];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = (byte) (m[i] > 0.5f ? 255 : 10);
        }
        byte[] rgb = new byte[w * h * 3]; // black: read by luminance this would select nothing
        return new RgbImage(w, h, rgb, alpha);
    }
}
