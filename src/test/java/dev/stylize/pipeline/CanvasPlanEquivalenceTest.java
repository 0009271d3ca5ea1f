package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.Layout;
import dev.stylize.job.Margins;
import dev.stylize.job.Mode;
import dev.stylize.job.StylizeException;
import dev.stylize.job.Transformer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plan built without full-size intermediates gives the same bytes as the plan that built them all
 * ({@link LegacyCanvasPlan}), over random modes, sizes (down- and up-scaled references, canvases that need no
 * resize), alpha channels, masks, layouts, margins and budgets.
 */
class CanvasPlanEquivalenceTest {

    @Test
    void sameBytesAsTheFullSizePlanForRandomRequests() {
        Random random = new Random(20240611);
        for (int run = 0; run < 400; run++) {
            Mode mode = Mode.values()[random.nextInt(Mode.values().length)];
            Transformer transformer = random.nextBoolean() ? Transformer.FILL : Transformer.DEV;
            if (mode == Mode.COMPOSITE || mode == Mode.INPAINT || mode == Mode.OUTPAINT) {
                transformer = Transformer.FILL;
            }
            RgbImage reference = image(random, side(random), side(random));
            RgbImage target = image(random, side(random), side(random));
            RgbImage mask = (mode == Mode.INPAINT || mode == Mode.COMPOSITE && random.nextBoolean())
                    ? mask(random, target.width(), target.height()) : null;
            Layout layout = random.nextBoolean() ? Layout.HORIZONTAL : Layout.VERTICAL;
            Margins margins = new Margins(random.nextInt(40), random.nextInt(40), random.nextInt(40),
                    1 + random.nextInt(40));
            // From the minimum up to more than any canvas here: both resized and unchanged canvases occur.
            long budget = 256 + random.nextInt(random.nextBoolean() ? 4_000 : 200_000);
            String what = "run " + run + ": " + mode + " " + transformer + " ref " + reference + " target " + target
                    + " mask " + mask + " " + layout + " " + margins + " budget " + budget;
            assertSame(mode, transformer, reference, target, mask, layout, margins, budget, what);
        }
    }

    @Test
    void canvasesThatNeedNoResizeAreTheSame() {
        Random random = new Random(7);
        // 32+48 = 80 wide, 32 high: a multiple of 16 under the budget, so the joined canvas is used as it is.
        RgbImage a = image(random, 32, 32);
        RgbImage b = image(random, 48, 32);
        assertSame(Mode.COMPOSITE, Transformer.FILL, a, b, mask(random, 48, 32), Layout.HORIZONTAL, Margins.NONE,
                1 << 20, "composite, no resize");
        assertSame(Mode.COMPOSITE, Transformer.FILL, a, image(random, 32, 16), null, Layout.VERTICAL, Margins.NONE,
                1 << 20, "vertical composite, no resize");
        assertSame(Mode.OUTPAINT, Transformer.FILL, a, image(random, 16, 16), null, Layout.HORIZONTAL,
                new Margins(16, 0, 0, 16), 1 << 20, "outpaint, no resize");
    }

    @Test
    void onlyTheHeightChangesForAnElongatedComposite() {
        // 8 px wide: the canvas keeps the 16 px minimum width, so only the vertical pass runs on the joined rows.
        Random random = new Random(11);
        assertSame(Mode.COMPOSITE, Transformer.FILL, image(random, 16, 700), image(random, 16, 900),
                mask(random, 16, 900), Layout.VERTICAL, Margins.NONE, 16 * 320, "vertical strip");
    }

    private static void assertSame(Mode mode, Transformer transformer, RgbImage reference, RgbImage target,
            RgbImage mask, Layout layout, Margins margins, long budget, String what) {
        LegacyCanvasPlan expected;
        try {
            expected = LegacyCanvasPlan.of(mode, transformer, reference, target, mask, layout, margins, budget);
        } catch (StylizeException e) {
            StylizeException actual = assertThrows(StylizeException.class,
                    () -> CanvasPlan.of(mode, transformer, reference, target, mask, layout, margins, budget), what);
            assertEquals(e.code(), actual.code(), what);
            assertEquals(e.getMessage(), actual.getMessage(), what);
            return;
        }
        CanvasPlan actual = CanvasPlan.of(mode, transformer, reference, target, mask, layout, margins, budget);
        assertEquals(expected.canvas().width(), actual.canvas().width(), what);
        assertEquals(expected.canvas().height(), actual.canvas().height(), what);
        // The canvas's alpha (the legacy plan resized it along) is never read: the model takes RGB.
        assertArrayEquals(expected.canvas().rgb(), actual.canvas().rgb(), what);
        assertArrayEquals(expected.mask(), actual.mask(), what);
        assertEquals(expected.regionX(), actual.regionX(), what);
        assertEquals(expected.regionY(), actual.regionY(), what);
        assertEquals(expected.regionWidth(), actual.regionWidth(), what);
        assertEquals(expected.regionHeight(), actual.regionHeight(), what);
        assertEquals(expected.outputWidth(), actual.outputWidth(), what);
        assertEquals(expected.outputHeight(), actual.outputHeight(), what);
        assertEquals(expected.keepImage(), actual.keepImage(), what);
        assertArrayEquals(expected.keepMask(), actual.keepMask(), what);
        assertEquals(expected.initFromCanvas(), actual.initFromCanvas(), what);
    }

    private static int side(Random random) {
        return random.nextInt(4) == 0 ? 1 + random.nextInt(6) : 1 + random.nextInt(160);
    }

    private static RgbImage image(Random random, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        random.nextBytes(rgb);
        byte[] alpha = null;
        if (random.nextInt(3) == 0) {
            alpha = new byte[w * h];
            random.nextBytes(alpha);
        }
        return new RgbImage(w, h, rgb, alpha);
    }

    /** A rectangle plus speckles, as luminance or (sometimes) as alpha; occasionally empty. */
    private static RgbImage mask(Random random, int w, int h) {
        float[] m = new float[w * h];
        if (random.nextInt(10) > 0) {
            int x0 = random.nextInt(w);
            int y0 = random.nextInt(h);
            int x1 = x0 + 1 + random.nextInt(w - x0);
            int y1 = y0 + 1 + random.nextInt(h - y0);
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    m[y * w + x] = 1;
                }
            }
            for (int i = 0; i < m.length / 20; i++) {
                m[random.nextInt(m.length)] = 1;
            }
        }
        RgbImage grey = TestImages.maskImage(m, w, h);
        if (random.nextBoolean()) {
            return grey;
        }
        byte[] alpha = new byte[w * h];
        byte[] rgb = new byte[w * h * 3];
        random.nextBytes(rgb); // colour is ignored when the alpha is not fully opaque
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = (byte) (m[i] > 0.5f ? 200 + random.nextInt(56) : random.nextInt(128));
        }
        alpha[0] = (byte) 0; // never fully opaque, so the alpha is what is read
        if (m[0] > 0.5f) {
            alpha[0] = (byte) 128;
        }
        return new RgbImage(w, h, rgb, alpha);
    }
}
