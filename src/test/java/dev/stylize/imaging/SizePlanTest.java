package dev.stylize.imaging;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizePlanTest {

    @Test
    void smallImageIsOnlyFlooredToTheMultiple() {
        assertArrayEquals(new int[] {1024, 768}, SizePlan.fit(1024, 768, 1 << 20, 16));
        assertArrayEquals(new int[] {1008, 768}, SizePlan.fit(1023, 775, 1 << 20, 16));
        assertArrayEquals(new int[] {16, 32}, SizePlan.fit(10, 40, 1 << 20, 16)); // the minimum side
    }

    @Test
    void largeImageIsScaledDownKeepingTheAspect() {
        int[] size = SizePlan.fit(4000, 3000, 1024 * 1024, 16);
        // sqrt(1048576/12e6) = 0.2956: 1182.4 x 886.8 -> 1182 x 886 -> 1168 x 880
        assertArrayEquals(new int[] {1168, 880}, size);
        size = SizePlan.fit(3000, 4000, 1024 * 1024, 32);
        assertArrayEquals(new int[] {864, 1152}, size);
    }

    @Test
    void resultAlwaysFitsAndNeverGrowsBeyondTheMinimum() {
        Random random = new Random(1);
        for (int trial = 0; trial < 2000; trial++) {
            int w = 1 + random.nextInt(20000);
            int h = 1 + random.nextInt(20000);
            int multiple = random.nextBoolean() ? 16 : 32;
            long max = (long) multiple * multiple + random.nextInt(4_000_000);
            int[] size = SizePlan.fit(w, h, max, multiple);
            String what = w + "x" + h + " max " + max + " -> " + size[0] + "x" + size[1];
            assertEquals(0, size[0] % multiple, what);
            assertEquals(0, size[1] % multiple, what);
            assertTrue((long) size[0] * size[1] <= max, what);
            assertTrue(size[0] <= Math.max(w, multiple) && size[1] <= Math.max(h, multiple), what);
        }
    }

    @Test
    void veryElongatedImageStillFits() {
        int[] size = SizePlan.fit(100_000, 10, 1024 * 1024, 16);
        assertEquals(16, size[1]);
        assertTrue((long) size[0] * size[1] <= 1024 * 1024);
        assertEquals(65536, size[0]);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SizePlan.fit(0, 10, 1000, 16));
        assertThrows(IllegalArgumentException.class, () -> SizePlan.fit(10, 10, 1000, 0));
        assertThrows(IllegalArgumentException.class, () -> SizePlan.fit(10, 10, 255, 16));
    }
}
