package dev.stylize.imaging;

import dev.stylize.job.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

import static dev.stylize.imaging.TestImages.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    private static final long MAX = 50_000_000L;

    private static void assertSamePixels(BufferedImage expected, RgbImage actual) {
        assertEquals(expected.getWidth(), actual.width());
        assertEquals(expected.getHeight(), actual.height());
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < actual.width(); x++) {
                assertEquals(expected.getRGB(x, y) & 0xFFFFFF, actual.rgb24(x, y), "pixel " + x + "," + y);
            }
        }
    }

    // ---- formats ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp"})
    void losslessRgbIsExact(String format) {
        BufferedImage source = TestImages.randomRgb(37, 23, 1);
        RgbImage image = ImageDecoder.decode(TestImages.write(source, format), MAX);
        assertSamePixels(source, image);
        assertNull(image.alpha());
    }

    @Test
    void jpegIsCloseToTheSource() {
        BufferedImage source = TestImages.gradient(64, 48);
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "jpeg"), MAX);
        assertEquals(64, image.width());
        assertEquals(48, image.height());
        assertTrue(meanAbsDifference(source, image) < 3, "mean error " + meanAbsDifference(source, image));
    }

    @Test
    void rgbaPngKeepsStraightAlpha() {
        BufferedImage source = new BufferedImage(5, 4, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                source.setRGB(x, y, (x * 60) << 24 | (40 * x) << 16 | (50 * y) << 8 | 7);
            }
        }
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "png"), MAX);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                assertEquals(x * 60, image.a(x, y));
                assertEquals((40 * x) << 16 | (50 * y) << 8 | 7, image.rgb24(x, y), "RGB kept under alpha");
            }
        }
    }

    @Test
    void palettePngIsLookedUp() {
        byte[] r = {0, (byte) 255, 10, 20};
        byte[] g = {0, 0, (byte) 200, 30};
        byte[] b = {0, 0, 30, (byte) 240};
        IndexColorModel palette = new IndexColorModel(8, 4, r, g, b);
        BufferedImage source = new BufferedImage(6, 3, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 6; x++) {
                source.getRaster().setSample(x, y, 0, (x + y) % 4);
            }
        }
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "png"), MAX);
        assertSamePixels(source, image);
        assertNull(image.alpha());
        assertEquals(0x0AC81E, image.rgb24(2, 0));
    }

    @Test
    void packedPaletteWithTransparencyGivesAlpha() {
        byte[] r = {0, (byte) 255, 10, 20};
        byte[] g = {0, 0, (byte) 200, 30};
        byte[] b = {0, 0, 30, (byte) 240};
        byte[] a = {0, (byte) 255, (byte) 255, (byte) 255};
        IndexColorModel palette = new IndexColorModel(2, 4, r, g, b, a);
        BufferedImage source = new BufferedImage(7, 2, BufferedImage.TYPE_BYTE_BINARY, palette);
        for (int x = 0; x < 7; x++) {
            source.getRaster().setSample(x, 0, 0, x % 4);
            source.getRaster().setSample(x, 1, 0, 3 - x % 4);
        }
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "png"), MAX);
        assertEquals(0, image.a(0, 0));
        assertEquals(255, image.a(1, 0));
        assertEquals(0xFF0000, image.rgb24(1, 0));
        assertEquals(0x141EF0, image.rgb24(0, 1));
        assertEquals(0, image.a(3, 1));
    }

    @Test
    void grayPngIsReplicatedWithoutGammaConversion() {
        BufferedImage source = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 256; i++) {
            source.getRaster().setSample(i % 16, i / 16, 0, i);
        }
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "png"), MAX);
        for (int i = 0; i < 256; i++) {
            int x = i % 16, y = i / 16;
            assertEquals(i, image.r(x, y));
            assertEquals(i, image.g(x, y));
            assertEquals(i, image.b(x, y));
        }
    }

    @Test
    void sixteenBitGrayKeepsTheHighByte() {
        BufferedImage source = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] values = {0, 0x12FF, 0x8000, 0xFFFF};
        for (int x = 0; x < 4; x++) {
            source.getRaster().setSample(x, 0, 0, values[x]);
        }
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "png"), MAX);
        assertArrayEquals(new int[] {0, 0x12, 0x80, 0xFF},
                new int[] {image.g(0, 0), image.g(1, 0), image.g(2, 0), image.g(3, 0)});
    }

    @Test
    void sixteenBitRgbaKeepsTheHighBytes() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {0xABCD, 0x0102, 0xFF00, 0x7FFF});
        raster.setPixel(1, 0, new int[] {0, 0xFFFF, 0x8080, 0xFFFF});
        BufferedImage source = new BufferedImage(cm, raster, false, null);
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "png"), MAX);
        assertEquals(0xAB01FF, image.rgb24(0, 0));
        assertEquals(0x7F, image.a(0, 0));
        assertEquals(0x00FF80, image.rgb24(1, 0));
        assertEquals(0xFF, image.a(1, 0));
    }

    @Test
    void grayJpegBecomesGrayRgb() {
        BufferedImage source = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                source.getRaster().setSample(x, y, 0, 4 * x + 2 * y);
            }
        }
        RgbImage image = ImageDecoder.decode(TestImages.write(source, "jpeg"), MAX);
        double error = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(image.r(x, y), image.g(x, y));
                assertEquals(image.r(x, y), image.b(x, y));
                error += Math.abs(image.r(x, y) - (4 * x + 2 * y));
            }
        }
        assertTrue(error / 1024 < 3, "mean error " + error / 1024);
    }

    @Test
    void gifGivesTheFirstFrame() throws IOException {
        IndexColorModel palette = new IndexColorModel(8, 3, new byte[] {0, (byte) 255, 0},
                new byte[] {0, 0, (byte) 255}, new byte[] {0, 0, 0});
        BufferedImage first = new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_INDEXED, palette);
        BufferedImage second = new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 6; y++) {
                first.getRaster().setSample(x, y, 0, x < y ? 1 : 0);
                second.getRaster().setSample(x, y, 0, 2);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(first, null, null), null);
            writer.writeToSequence(new IIOImage(second, null, null), null);
            writer.endWriteSequence();
        }
        writer.dispose();
        RgbImage image = ImageDecoder.decode(bytes.toByteArray(), MAX);
        assertSamePixels(first, image);
    }

    @Test
    void interlacedGifUnderFiveRowsIsRefused() {
        // ImageIO writes interlaced GIFs; its reader misplaces their rows when there are fewer than 5
        IndexColorModel palette = new IndexColorModel(8, 4, new byte[4], new byte[4], new byte[] {0, 1, 2, 3});
        BufferedImage tiny = new BufferedImage(3, 4, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int y = 0; y < 4; y++) {
            tiny.getRaster().setSample(0, y, 0, y);
        }
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageDecoder.decode(TestImages.write(tiny, "gif"), MAX));
        BufferedImage five = new BufferedImage(3, 5, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int y = 0; y < 5; y++) {
            five.getRaster().setSample(0, y, 0, y % 4);
        }
        assertSamePixels(five, ImageDecoder.decode(TestImages.write(five, "gif"), MAX));
    }

    @Test
    void losslessWebpWithAlphaIsExact() {
        RgbImage image = ImageDecoder.decode(TestImages.resource("webp-lossless-rgba.webp"), MAX);
        assertEquals(8, image.width());
        assertEquals(6, image.height());
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals((30 * x) << 16 | (40 * y) << 8 | (255 - 30 * x), image.rgb24(x, y));
                int alpha = x == 7 ? 0 : (x == 0 && y == 0 ? 128 : 255);
                assertEquals(alpha, image.a(x, y));
            }
        }
    }

    @Test
    void lossyWebpIsCloseToTheSource() {
        RgbImage image = ImageDecoder.decode(TestImages.resource("webp-lossy-rgb.webp"), MAX);
        assertNull(image.alpha());
        BufferedImage pattern = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                pattern.setRGB(x, y, (30 * x) << 16 | (40 * y) << 8 | (255 - 30 * x));
            }
        }
        // a strong colour gradient on 8x6 pixels suffers from 4:2:0 chroma; the check is "decoded, roughly right"
        assertTrue(meanAbsDifference(pattern, image) < 20, "mean error " + meanAbsDifference(pattern, image));
    }

    @Test
    void exifOrientationIsIgnored() {
        byte[] plain = TestImages.write(TestImages.gradient(16, 8), "jpeg");
        // APP1 "Exif" with a little-endian TIFF header and one IFD entry: Orientation (0x0112) = 6 (rotate 90°)
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
        ByteBuffer app1 = ByteBuffer.allocate(4 + 6 + tiff.length);
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + 6 + tiff.length));
        app1.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff);
        byte[] withExif = new byte[plain.length + app1.capacity()];
        System.arraycopy(plain, 0, withExif, 0, 2);
        System.arraycopy(app1.array(), 0, withExif, 2, app1.capacity());
        System.arraycopy(plain, 2, withExif, 2 + app1.capacity(), plain.length - 2);

        RgbImage rotatedTag = ImageDecoder.decode(withExif, MAX);
        assertEquals(16, rotatedTag.width());
        assertEquals(8, rotatedTag.height());
        assertEquals(ImageDecoder.decode(plain, MAX), rotatedTag);
    }

    @Test
    void embeddedIccProfileIsNotApplied() {
        // the JDK reader would convert through the profile (here linear RGB, which brightens a lot)
        byte[] plain = TestImages.write(TestImages.gradient(16, 8), "jpeg");
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] id = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer app2 = ByteBuffer.allocate(4 + id.length + 2 + profile.length);
        app2.put((byte) 0xFF).put((byte) 0xE2).putShort((short) (2 + id.length + 2 + profile.length));
        app2.put(id).put((byte) 1).put((byte) 1).put(profile);
        byte[] withProfile = new byte[plain.length + app2.capacity()];
        System.arraycopy(plain, 0, withProfile, 0, 2);
        System.arraycopy(app2.array(), 0, withProfile, 2, app2.capacity());
        System.arraycopy(plain, 2, withProfile, 2 + app2.capacity(), plain.length - 2);

        assertEquals(ImageDecoder.decode(plain, MAX), ImageDecoder.decode(withProfile, MAX));
    }

    @Test
    void cmykJpegIsUnsupported() throws IOException {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        }
        writer.dispose();
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageDecoder.decode(bytes.toByteArray(), MAX));
    }

    // ---- size limit ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "bmp", "gif"})
    void maxPixelsIsInclusive(String format) {
        BufferedImage source = new BufferedImage(10, 7, BufferedImage.TYPE_BYTE_INDEXED);
        byte[] data = TestImages.write(source, format);
        assertEquals(10, ImageDecoder.decode(data, 70).width());
        assertFails(ErrorCode.IMAGE_TOO_LARGE, () -> ImageDecoder.decode(data, 69));
    }

    @Test
    void hugePngHeaderIsRejectedBeforeDecoding() {
        byte[] bomb = pngWithHeader(20_000, 20_000);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        var e = assertFails(ErrorCode.IMAGE_TOO_LARGE, () -> ImageDecoder.decode(bomb, MAX));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains("20000x20000"), e.getMessage());
        assertTrue(allocated < 16L << 20, "allocated " + allocated + " bytes"); // the pixels would be 1.2 GB
    }

    @Test
    void hugeJpegHeaderIsRejected() {
        byte[] data = TestImages.write(TestImages.gradient(16, 8), "jpeg");
        int sof = indexOf(data, (byte) 0xFF, (byte) 0xC0);
        data[sof + 5] = (byte) 0x75; // height 30000
        data[sof + 6] = (byte) 0x30;
        data[sof + 7] = (byte) 0x75; // width 30000
        data[sof + 8] = (byte) 0x30;
        assertFails(ErrorCode.IMAGE_TOO_LARGE, () -> ImageDecoder.decode(data, MAX));
    }

    // ---- broken input -------------------------------------------------------------------------------

    @Test
    void unknownBytesAreUnsupported() {
        byte[] random = new byte[1000];
        new Random(3).nextBytes(random);
        random[0] = 0x13;
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageDecoder.decode(random, MAX));
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageDecoder.decode(new byte[0], MAX));
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageDecoder.decode("<svg/>".getBytes(), MAX));
        byte[] tiff = TestImages.write(TestImages.randomRgb(4, 4, 1), "tiff");
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageDecoder.decode(tiff, MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "bmp", "gif"})
    void signatureFollowedByGarbageIsInvalid(String format) {
        byte[] valid = TestImages.write(TestImages.randomRgb(8, 8, 2), format);
        byte[] garbage = new byte[400];
        new Random(4).nextBytes(garbage);
        int keep = format.equals("gif") ? 6 : format.equals("bmp") ? 2 : format.equals("png") ? 8 : 3;
        System.arraycopy(valid, 0, garbage, 0, keep);
        assertFails(ErrorCode.INVALID_IMAGE, () -> ImageDecoder.decode(garbage, MAX));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.02, 0.5, 0.9, 0.999})
    void truncatedImagesAreInvalid(double fraction) {
        for (String format : new String[] {"png", "jpeg", "bmp", "gif"}) {
            BufferedImage source = format.equals("gif") ? TestImages.gradient(64, 64) : TestImages.randomRgb(64, 64, 5);
            byte[] data = TestImages.write(source, format);
            byte[] cut = Arrays.copyOf(data, Math.max(12, (int) (data.length * fraction)));
            assertFails(ErrorCode.INVALID_IMAGE, () -> ImageDecoder.decode(cut, MAX));
        }
        byte[] webp = TestImages.resource("webp-lossless-rgba.webp");
        byte[] cut = Arrays.copyOf(webp, Math.max(16, (int) (webp.length * fraction)));
        assertFails(ErrorCode.INVALID_IMAGE, () -> ImageDecoder.decode(cut, MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // found by the fuzzer: a damaged VP8L bitstream with bytes after its RIFF container, which the WebP
        // reader used to read on into (seconds per byte) and return as an image
        "UklGRj4AAABXRUJQVlA4TDIAAAAvB0ABEJkyRPQ/NhHR/5iAtiltgorAf/mAAP7/ge0f8twKHeEAAAApSURBVHicBcEBEQA=",
        "UklGRj4AAABXRUJQVlA4TDIAAAAvB4RAARCZMUT0PzYR0f8AAABIbYKKwH/5gAD+/4HtH/LcCh3hAAAAKUlEQVR4nAXBAREA",
        "UklGRj4AAABXRUJQVlA4TDIAAAAvz8fzARCZMUT0PzYR0f8AAABIbYKKwH/5gAD+/4HtH/LcCh3hAAAAKUlEQVR4nAXBAREA"})
    void webpBytesAfterTheContainerAreNotReadAsImageData(String base64) {
        byte[] data = java.util.Base64.getDecoder().decode(base64);
        assertFails(ErrorCode.INVALID_IMAGE, () -> ImageDecoder.decode(data, MAX));
    }

    @Test
    void aValidWebpWithTrailingBytesStillDecodes() {
        byte[] webp = TestImages.resource("webp-lossless-rgba.webp");
        byte[] padded = Arrays.copyOf(webp, webp.length + 100);
        assertEquals(ImageDecoder.decode(webp, MAX).width(), ImageDecoder.decode(padded, MAX).width());
        assertArrayEquals(ImageDecoder.decode(webp, MAX).rgb(), ImageDecoder.decode(padded, MAX).rgb());
    }

    @Test
    void pngWithoutIendIsInvalid() {
        // the JDK reader decodes this one completely; the chunk walk still calls it truncated
        byte[] data = TestImages.write(TestImages.randomRgb(64, 64, 6), "png");
        byte[] cut = Arrays.copyOf(data, data.length - 12);
        var e = assertFails(ErrorCode.INVALID_IMAGE, () -> ImageDecoder.decode(cut, MAX));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void pngWithDamagedDataIsInvalid() {
        byte[] data = TestImages.write(TestImages.randomRgb(32, 32, 7), "png");
        int idat = indexOf(data, (byte) 'I', (byte) 'D', (byte) 'A', (byte) 'T');
        data[idat + 40] ^= 0x55;
        var e = assertFails(ErrorCode.INVALID_IMAGE, () -> ImageDecoder.decode(data, MAX));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void truncatedJpegIsNotReturnedHalfGrey() {
        byte[] data = TestImages.write(TestImages.randomRgb(64, 64, 8), "jpeg");
        byte[] cut = Arrays.copyOf(data, data.length - 2); // only the EOI marker missing
        assertFails(ErrorCode.INVALID_IMAGE, () -> ImageDecoder.decode(cut, MAX));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** A structurally valid PNG (good CRCs, IEND) whose IHDR claims {@code w × h} RGB, with a tiny IDAT. */
    static byte[] pngWithHeader(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        StreamedPng.chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[64]);
        deflater.finish();
        byte[] z = new byte[128];
        int n = deflater.deflate(z);
        deflater.end();
        StreamedPng.chunk(out, "IDAT", Arrays.copyOf(z, n));
        StreamedPng.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte... pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    private static double meanAbsDifference(BufferedImage expected, RgbImage actual) {
        double sum = 0;
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < actual.width(); x++) {
                int e = expected.getRGB(x, y);
                sum += Math.abs(((e >> 16) & 0xFF) - actual.r(x, y)) + Math.abs(((e >> 8) & 0xFF) - actual.g(x, y))
                        + Math.abs((e & 0xFF) - actual.b(x, y));
            }
        }
        return sum / (3.0 * actual.pixelCount());
    }
}
