package dev.stylize.imaging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RgbImageTest {

    /** 3x2: pixel (x, y) = (10x + y, 100 + x, 200 + y), alpha 50·(x + y). */
    private static RgbImage sample() {
        byte[] rgb = new byte[18];
        byte[] alpha = new byte[6];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int p = y * 3 + x;
                rgb[3 * p] = (byte) (10 * x + y);
                rgb[3 * p + 1] = (byte) (100 + x);
                rgb[3 * p + 2] = (byte) (200 + y);
                alpha[p] = (byte) (50 * (x + y));
            }
        }
        return new RgbImage(3, 2, rgb, alpha);
    }

    @Test
    void accessorsReadInterleavedUnsignedSamples() {
        RgbImage image = sample();
        assertEquals(21, image.r(2, 1));
        assertEquals(102, image.g(2, 1));
        assertEquals(201, image.b(2, 1));
        assertEquals(150, image.a(2, 1));
        assertEquals(21 << 16 | 102 << 8 | 201, image.rgb24(2, 1));
        assertEquals(255, image.withoutAlpha().a(0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> image.r(3, 0));
    }

    @Test
    void constructorRejectsWrongLengths() {
        assertThrows(IllegalArgumentException.class, () -> RgbImage.of(2, 2, new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 2, new byte[12], new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> RgbImage.of(0, 2, new byte[0]));
    }

    @Test
    void cropCopiesTheRectangleWithAlpha() {
        RgbImage crop = sample().crop(1, 1, 2, 1);
        assertEquals(2, crop.width());
        assertEquals(1, crop.height());
        assertEquals(11, crop.r(0, 0));
        assertEquals(102, crop.g(1, 0));
        assertEquals(100, crop.a(0, 0));
        assertThrows(IllegalArgumentException.class, () -> sample().crop(2, 0, 2, 1));
    }

    @Test
    void planesRoundTrip() {
        RgbImage image = sample();
        RgbImage back = RgbImage.fromPlanes(3, 2, image.plane(0), image.plane(1), image.plane(2), image.alpha());
        assertEquals(image, back);
        assertArrayEquals(new byte[] {0, 10, 20, 1, 11, 21}, image.plane(0));
    }

    @Test
    void toSignedIsFloat32DivisionMinusOne() {
        assertEquals(-1f, RgbImage.toSigned(0));
        assertEquals(1f, RgbImage.toSigned(255));
        for (int u = 0; u < 256; u++) {
            float expected = u / 127.5f - 1f; // what torch does in float32
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(RgbImage.toSigned(u)), "u=" + u);
            assertTrue(RgbImage.toSigned(u) >= -1f && RgbImage.toSigned(u) <= 1f);
        }
        assertThrows(IllegalArgumentException.class, () -> RgbImage.toSigned(256));
    }

    @Test
    void toChwFloatIsChannelsFirst() {
        RgbImage image = sample();
        float[] chw = image.toChwFloat();
        assertEquals(18, chw.length);
        int n = 6;
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int p = y * 3 + x;
                assertEquals(RgbImage.toSigned(image.r(x, y)), chw[p]);
                assertEquals(RgbImage.toSigned(image.g(x, y)), chw[n + p]);
                assertEquals(RgbImage.toSigned(image.b(x, y)), chw[2 * n + p]);
            }
        }
    }

    @Test
    void equalityIsByContent() {
        assertEquals(sample(), sample());
        assertEquals(sample().hashCode(), sample().hashCode());
        assertFalse(sample().equals(sample().withoutAlpha()));
        RgbImage filled = RgbImage.filled(2, 1, 0x102030);
        assertEquals(0x102030, filled.rgb24(1, 0));
        assertNotSame(filled.rgb(), RgbImage.filled(2, 1, 0x102030).rgb());
    }
}
