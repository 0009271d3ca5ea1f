package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.imaging.StreamedPng;
import dev.stylize.imaging.ImageDecoder;
import dev.stylize.imaging.ImageHeader;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.Layout;
import dev.stylize.job.Margins;
import dev.stylize.job.Mode;
import dev.stylize.job.StylizeException;
import dev.stylize.job.Transformer;
import dev.stylize.pipeline.CanvasPlan.Extent;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Size budgets apply to what a job builds, from the input sizes alone: the outpaint output (target + margins)
 * and the composite's scaled reference stay within the input pixel limit, refused before any decoding.
 */
class SizeBudgetTest {
    private static final PipelineLimits LIMITS = PipelineLimits.DEFAULT; // 36 MP
    private static final Margins MAX_MARGINS = new Margins(4096, 4096, 4096, 4096);

    @Test
    void hugeOutpaintIsRefusedFromThePngHeaderInMillisecondsWithoutAllocating() {
        byte[] png = StreamedPng.blank(6000, 6000); // a valid image of a few hundred KB
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Load the classes first: the figures below are the check's own.
        assertThrows(StylizeException.class, () -> check(png, MAX_MARGINS));
        long before = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        StylizeException e = assertThrows(StylizeException.class, () -> check(png, MAX_MARGINS));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(ErrorCode.PARAM_OUT_OF_RANGE, e.code());
        assertEquals("params.outpaint: margins left 4096, right 4096, top 4096, bottom 4096 around the 6000x6000"
                + " target make a 14192x14192 output = 201412864 pixels, more than the 36000000 allowed (the output"
                + " is held to the input pixel limit)", e.getMessage());
        assertTrue(ms < 200, ms + " ms");
        // The old plan allocated the 14192² canvas (604 MB) and two float masks (806 MB each).
        assertTrue(allocated < 4L << 20, "allocated " + allocated + " bytes");
    }

    private static void check(byte[] png, Margins margins) {
        ImageHeader target = ImageDecoder.readHeader(png, LIMITS.maxInputPixels());
        Extent size = new Extent(target.width(), target.height());
        LIMITS.checkSizes(Mode.OUTPAINT, Layout.HORIZONTAL, margins, new Extent(64, 64), size);
    }

    @Test
    void outpaintOutputMayReachTheLimitExactly() {
        Extent target = new Extent(5000, 5000);
        assertDoesNotThrow(() -> LIMITS.checkSizes(Mode.OUTPAINT, Layout.HORIZONTAL, new Margins(500, 500, 500, 500),
                null, target)); // 6000x6000 = 36 000 000
        StylizeException e = assertThrows(StylizeException.class, () -> LIMITS.checkSizes(Mode.OUTPAINT,
                Layout.HORIZONTAL, new Margins(500, 501, 500, 500), null, target));
        assertEquals(ErrorCode.PARAM_OUT_OF_RANGE, e.code());
        assertTrue(e.getMessage().contains("6001x6000 output = 36006000 pixels"), e.getMessage());
    }

    @Test
    void compositeReferenceScaledPastTheLimitIsRefused() {
        Extent wide = new Extent(6000, 1);
        Extent target = new Extent(6000, 6000);
        StylizeException e = assertThrows(StylizeException.class,
                () -> LIMITS.checkSizes(Mode.COMPOSITE, Layout.HORIZONTAL, Margins.NONE, wide, target));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
        assertEquals("reference[0] is 6000x1: scaled to the target's height (6000 px) for the horizontal composite"
                + " canvas it would be 36000000x6000 = 216000000000 pixels, more than the 36000000 allowed (the input"
                + " pixel limit); use a reference whose aspect ratio is closer to the target's", e.getMessage());
        // Scaled to the target's width instead, it is 6000x1: fine.
        assertDoesNotThrow(() -> LIMITS.checkSizes(Mode.COMPOSITE, Layout.VERTICAL, Margins.NONE, wide, target));
        // Twice the target's aspect ratio: 12000x6000 = 72 MP, refused; the same reference fits at 3000 px high.
        Extent twoToOne = new Extent(4000, 2000);
        assertThrows(StylizeException.class,
                () -> LIMITS.checkSizes(Mode.COMPOSITE, Layout.HORIZONTAL, Margins.NONE, twoToOne, target));
        assertDoesNotThrow(() -> LIMITS.checkSizes(Mode.COMPOSITE, Layout.HORIZONTAL, Margins.NONE, twoToOne,
                new Extent(6000, 3000)));
    }

    @Test
    void theLargestInputsPassInEveryOtherMode() {
        Extent max = new Extent(6000, 6000);
        for (Mode mode : new Mode[] {Mode.INPAINT, Mode.RESTYLE, Mode.VARIATION, Mode.COMPOSITE}) {
            assertDoesNotThrow(() -> LIMITS.checkSizes(mode, Layout.HORIZONTAL, Margins.NONE, max,
                    mode == Mode.VARIATION ? null : max), mode.name());
        }
    }

    @Test
    void theLimitNeverExceedsWhatAnArrayHolds() {
        assertEquals(RgbImage.MAX_PIXELS, new PipelineLimits(Long.MAX_VALUE, 1 << 20).maxImagePixels());
        assertEquals(36_000_000L, LIMITS.maxImagePixels());
    }

    @Test
    void canvasPlanRefusesWhatNoArrayCouldHoldEvenUnchecked() {
        // Tiny images whose composite reference would be 800 000 000 x 40 000 pixels: refused, not allocated.
        RgbImage reference = RgbImage.filled(20_000, 1, 0x336699);
        RgbImage target = RgbImage.filled(1, 40_000, 0x996633);
        assertFailsFast(ErrorCode.IMAGE_TOO_LARGE, () -> CanvasPlan.of(Mode.COMPOSITE, Transformer.FILL, reference,
                target, null, Layout.HORIZONTAL, Margins.NONE, 1 << 20));
        RgbImage tall = RgbImage.filled(1, 200_000, 0x996633);
        assertFailsFast(ErrorCode.PARAM_OUT_OF_RANGE, () -> CanvasPlan.of(Mode.OUTPAINT, Transformer.FILL, reference,
                tall, null, Layout.HORIZONTAL, MAX_MARGINS, 1 << 20));
    }

    private static void assertFailsFast(ErrorCode code, Executable call) {
        long t0 = System.nanoTime();
        StylizeException e = assertThrows(StylizeException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 200, ms + " ms");
    }
}
