package dev.stylize.imaging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CanvasTest {

    @Test
    void horizontalPutsAOnTheLeft() {
        RgbImage a = TestImages.randomImage(3, 2, 1, true);
        RgbImage b = TestImages.randomImage(4, 2, 2, false);
        RgbImage canvas = Canvas.sideBySide(a, b, true);
        assertEquals(7, canvas.width());
        assertEquals(2, canvas.height());
        assertNull(canvas.alpha());
        assertEquals(a.withoutAlpha(), canvas.crop(0, 0, 3, 2));
        assertEquals(b, canvas.crop(3, 0, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> Canvas.sideBySide(a, RgbImage.filled(4, 3, 0), true));
    }

    @Test
    void verticalPutsAOnTop() {
        RgbImage a = TestImages.randomImage(3, 2, 3, false);
        RgbImage b = TestImages.randomImage(3, 5, 4, false);
        RgbImage canvas = Canvas.sideBySide(a, b, false);
        assertEquals(3, canvas.width());
        assertEquals(7, canvas.height());
        assertEquals(a, canvas.crop(0, 0, 3, 2));
        assertEquals(b, canvas.crop(0, 2, 3, 5));
        assertThrows(IllegalArgumentException.class, () -> Canvas.sideBySide(a, RgbImage.filled(4, 3, 0), false));
    }

    @Test
    void padPlacesTheImageOnAFilledCanvas() {
        RgbImage image = TestImages.randomImage(2, 3, 5, false);
        RgbImage padded = Canvas.pad(image, 1, 4, 2, 0, 0x123456);
        assertEquals(7, padded.width());
        assertEquals(5, padded.height());
        assertEquals(image, padded.crop(1, 2, 2, 3));
        assertEquals(0x123456, padded.rgb24(0, 0));
        assertEquals(0x123456, padded.rgb24(6, 4));
        assertEquals(0x123456, padded.rgb24(3, 3));
        assertEquals(image, Canvas.pad(image, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Canvas.pad(image, -1, 0, 0, 0, 0));
    }

    @Test
    void rectMaskIsOneInsideAndClipped() {
        assertArrayEquals(new float[] {
                0, 0, 0, 0,
                0, 1, 1, 0,
                0, 1, 1, 0}, Canvas.rectMask(4, 3, 1, 1, 2, 5));
        assertArrayEquals(new float[] {1, 1, 0, 0}, Canvas.rectMask(4, 1, -3, 0, 5, 1));
        assertArrayEquals(new float[4], Canvas.rectMask(2, 2, 5, 5, 1, 1));
        assertArrayEquals(new float[4], Canvas.rectMask(2, 2, 0, 0, 0, 2));
    }

    @Test
    void compositeCanvasAndMaskLineUp() {
        // docs/pipeline.md#composite-canvas: [A | B] with the mask 0 over A and 1 over B
        RgbImage a = RgbImage.filled(4, 2, 0xFF0000);
        RgbImage b = RgbImage.filled(4, 2, 0x0000FF);
        RgbImage canvas = Canvas.sideBySide(a, b, true);
        float[] mask = Canvas.rectMask(canvas.width(), canvas.height(), a.width(), 0, b.width(), b.height());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(canvas.rgb24(x, y) == 0x0000FF ? 1f : 0f, mask[y * 8 + x]);
            }
        }
    }
}
