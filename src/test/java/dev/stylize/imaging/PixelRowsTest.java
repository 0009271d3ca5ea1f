package dev.stylize.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Resizing rows read on demand gives the bytes resizing the materialised image gives. */
class PixelRowsTest {

    @Test
    void rowWiseResizeEqualsTheArrayResize() {
        Random random = new Random(1);
        for (int run = 0; run < 200; run++) {
            int w = 1 + random.nextInt(90);
            int h = 1 + random.nextInt(90);
            // Half the runs keep one side: the pass-skipping paths (vertical only, horizontal only, none).
            int nw = random.nextInt(4) == 0 ? w : 1 + random.nextInt(120);
            int nh = random.nextInt(4) == 0 ? h : 1 + random.nextInt(120);
            Resampler.Filter filter = Resampler.Filter.values()[random.nextInt(Resampler.Filter.values().length)];
            RgbImage image = TestImages.randomImage(w, h, run, false);
            String what = w + "x" + h + " -> " + nw + "x" + nh + " " + filter;
            assertArrayEquals(Resampler.resize(image, nw, nh, filter).rgb(),
                    Resampler.resize(PixelRows.of(image), nw, nh, filter), what);
            float[] mask = new float[w * h];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = random.nextBoolean() ? 1f : 0f;
            }
            byte[] plane = PixelRows.binaryMask(mask, w, h).toBytes();
            assertArrayEquals(Resampler.resizePlane(plane, w, h, nw, nh, filter),
                    Resampler.resize(PixelRows.binaryMask(mask, w, h), nw, nh, filter), "mask " + what);
        }
    }

    @Test
    void sideBySideRowsAreTheJoinedImage() {
        RgbImage a = TestImages.randomImage(5, 3, 1, true);
        RgbImage b = TestImages.randomImage(4, 3, 2, false);
        assertArrayEquals(Canvas.sideBySide(a, b, true).rgb(),
                Canvas.sideBySide(PixelRows.of(a), PixelRows.of(b), true).toBytes());
        RgbImage c = TestImages.randomImage(5, 2, 3, false);
        assertArrayEquals(Canvas.sideBySide(a, c, false).rgb(),
                Canvas.sideBySide(PixelRows.of(a), PixelRows.of(c), false).toBytes());
        assertThrows(IllegalArgumentException.class,
                () -> Canvas.sideBySide(PixelRows.of(a), PixelRows.of(c), true));
        assertThrows(IllegalArgumentException.class,
                () -> Canvas.sideBySide(PixelRows.of(a), PixelRows.zeros(5, 3, 1), true));
    }

    @Test
    void maskRowsAreTheBinaryMaskOfTheImage() {
        RgbImage grey = TestImages.randomImage(7, 6, 4, false);
        RgbImage alpha = TestImages.randomImage(7, 6, 5, true);
        for (RgbImage image : new RgbImage[] {grey, alpha}) {
            float[] m = MaskReader.fromImage(image);
            assertArrayEquals(PixelRows.binaryMask(m, 7, 6).toBytes(), MaskReader.rows(image).toBytes());
        }
    }
}
