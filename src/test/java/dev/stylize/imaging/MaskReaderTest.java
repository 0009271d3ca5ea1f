package dev.stylize.imaging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskReaderTest {

    @Test
    void luminanceIsPillowsLConversion() {
        assertEquals(76, MaskReader.luminance(255, 0, 0));   // 0.299·255 = 76.2
        assertEquals(150, MaskReader.luminance(0, 255, 0));  // 0.587·255 = 149.7
        assertEquals(29, MaskReader.luminance(0, 0, 255));   // 0.114·255 = 29.1
        for (int v = 0; v < 256; v++) {
            assertEquals(v, MaskReader.luminance(v, v, v), "gray stays gray");
        }
        // (100, 200, 50): 29.9 + 117.4 + 5.7 = 153.0 -> Pillow's fixed point gives 153
        assertEquals(153, MaskReader.luminance(100, 200, 50));
    }

    @Test
    void opaqueImageIsThresholdedOnLuminance() {
        // gray 127 -> 0, 128 -> 1, white 1, black 0, pure green (L=150) 1, pure red (L=76) 0
        int[] colors = {0x7F7F7F, 0x808080, 0xFFFFFF, 0x000000, 0x00FF00, 0xFF0000};
        byte[] rgb = new byte[colors.length * 3];
        for (int i = 0; i < colors.length; i++) {
            rgb[3 * i] = (byte) (colors[i] >> 16);
            rgb[3 * i + 1] = (byte) (colors[i] >> 8);
            rgb[3 * i + 2] = (byte) colors[i];
        }
        float[] expected = {0, 1, 1, 0, 1, 0};
        assertArrayEquals(expected, MaskReader.fromImage(RgbImage.of(6, 1, rgb)));
        byte[] opaque = new byte[6];
        java.util.Arrays.fill(opaque, (byte) 255);
        assertArrayEquals(expected, MaskReader.fromImage(new RgbImage(6, 1, rgb, opaque)),
                "a fully opaque alpha channel is ignored");
    }

    @Test
    void translucentImageIsReadByItsAlpha() {
        // black paint on a transparent layer: the painted pixels are the region to generate
        byte[] alpha = {0, 127, (byte) 128, (byte) 255};
        RgbImage painted = new RgbImage(2, 2, new byte[12], alpha);
        assertArrayEquals(new float[] {0, 0, 1, 1}, MaskReader.fromImage(painted));
        RgbImage whiteButTransparent = new RgbImage(1, 1, new byte[] {-1, -1, -1}, new byte[] {0});
        assertArrayEquals(new float[] {0}, MaskReader.fromImage(whiteButTransparent));
    }

    @Test
    void maskFromADecodedPngWithAlpha() {
        java.awt.image.BufferedImage source = new java.awt.image.BufferedImage(4, 1,
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        source.setRGB(0, 0, 0x00FFFFFF);
        source.setRGB(1, 0, 0xFF000000);
        source.setRGB(2, 0, 0x80123456);
        source.setRGB(3, 0, 0x7F123456);
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "png"), 100);
        assertArrayEquals(new float[] {0, 1, 1, 0}, MaskReader.fromImage(image));
    }

    @Test
    void emptiness() {
        assertTrue(MaskReader.isEmpty(new float[5]));
        assertTrue(MaskReader.isEmpty(new float[0]));
        assertFalse(MaskReader.isEmpty(new float[] {0, 0, 1}));
        assertTrue(MaskReader.isEmpty(MaskReader.fromImage(RgbImage.filled(3, 3, 0x7F7F7F))));
    }
}
