package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.runtime.TokenRange;
import org.junit.jupiter.api.Test;

/** Parsing and checking canvas sizes, and the choice of one for a layout. */
class CanvasSizesTest {
    static final CanvasSizes FIVE = CanvasSizes.parse("1024x1024, 1536x1024,1024x1536,2048x1024,1024X2048");

    @Test
    void parsesInOrder() {
        assertEquals("1024x1024,1536x1024,1024x1536,2048x1024,1024x2048", FIVE.toString());
        assertEquals(4096, FIVE.sizes().get(0).tokens());
        assertEquals(8192, FIVE.sizes().get(3).tokens());
        assertSame(CanvasSizes.NONE, CanvasSizes.parse(null));
        assertSame(CanvasSizes.NONE, CanvasSizes.parse("  "));
        assertTrue(CanvasSizes.NONE.isEmpty());
    }

    @Test
    void rejectsWhatCannotBeACanvas() {
        for (String bad : new String[] {"1024", "1024x", "x1024", "1024x1024x3", "a x b", "1024*1024", "1024x1024,"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CanvasSizes.parse(bad), bad);
            assertTrue(e.getMessage().contains("is not WIDTHxHEIGHT"), e.getMessage());
        }
        for (String bad : new String[] {"1000x1024", "1024x1032", "0x1024", "-16x16", "8x16"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CanvasSizes.parse(bad), bad);
            assertTrue(e.getMessage().contains("multiples of 16"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CanvasSizes.parse("1024x512,1536x1024,2048x1024"));
        assertEquals("canvas sizes: 2048x1024 has the aspect ratio of 1024x512; the closest aspect ratio picks the"
                + " size, so only one size per ratio can be used", e.getMessage());
    }

    @Test
    void closestAspectRatio() {
        assertEquals("2048x1024", FIVE.closest(160, 64).toString()); // 2.5:1
        assertEquals("2048x1024", FIVE.closest(1900, 1000).toString()); // 1.9: nearer 2 than 1.5
        assertEquals("1536x1024", FIVE.closest(1600, 1000).toString()); // 1.6
        assertEquals("1024x1536", FIVE.closest(640, 1000).toString()); // portrait 1:1.5625
        assertEquals("1024x1024", FIVE.closest(1100, 1000).toString());
        assertEquals("1024x2048", FIVE.closest(16, 100_000).toString()); // far beyond every ratio
        // Between 3:2 and 2:1 the boundary is √3 ≈ 1.73205 (1.5·r = 2/r), not the midpoint 1.75: ratios, not differences.
        assertEquals("1536x1024", FIVE.closest(1732, 1000).toString());
        assertEquals("2048x1024", FIVE.closest(1733, 1000).toString());
    }

    @Test
    void tiesGoToTheSmallerSizeThenTheFirstListed() {
        // 1:1 is as far from 2:1 as from 1:2 (ratio 2): the smaller of the two.
        CanvasSizes wideOrTall = CanvasSizes.parse("2048x1024,768x1536");
        assertEquals("768x1536", wideOrTall.closest(1000, 1000).toString());
        // Same distance and the same area: the one listed first.
        assertEquals("1536x1024", CanvasSizes.parse("1536x1024,1024x1536").closest(500, 500).toString());
        assertEquals("1024x1536", CanvasSizes.parse("1024x1536,1536x1024").closest(500, 500).toString());
        // An exact tie between ratios that are not mirror images: 6:5 is 1.2 away from 1:1 and from 36:25.
        assertEquals("576x400", CanvasSizes.parse("512x512,576x400").closest(600, 500).toString());
        assertEquals("576x400", CanvasSizes.parse("576x400,512x512").closest(600, 500).toString());
    }

    @Test
    void limitsHoldTheSizesWithinTheBudget() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineLimits.DEFAULT.withCanvasSizes(CanvasSizes.parse("1536x1024,2048x2048")));
        assertEquals("canvas sizes: 2048x2048 is 4194304 pixels, more than the canvas budget (max canvas pixels) of"
                + " 2097152", e.getMessage());
        assertEquals(FIVE, PipelineLimits.DEFAULT.withCanvasSizes(FIVE).canvasSizes());
    }

    @Test
    void imageTokensForTheTensorRtProfile() {
        // Canvases that follow the input: one 16x16 tile up to the budget, tuned for a full 2048x1024 canvas.
        assertEquals(new TokenRange(1, 8192, 8192), PipelineLimits.DEFAULT.imageTokens());
        assertEquals(new TokenRange(1, 4096, 4096), new PipelineLimits(36_000_000L, 1024 * 1024 + 255).imageTokens());
        assertEquals(new TokenRange(4096, 4096, 8192), PipelineLimits.DEFAULT.withCanvasSizes(FIVE).imageTokens());
        assertEquals(new TokenRange(4096, 6144, 8192), PipelineLimits.DEFAULT.withCanvasSizes(
                CanvasSizes.parse("1536x1024,1024x1024,2048x1024")).imageTokens());
    }
}
