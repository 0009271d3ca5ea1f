package dev.stylize.imaging;

import static dev.stylize.imaging.TestImages.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.ErrorCode;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link ImageDecoder#readHeader}: the size without the pixels, and every check decode makes before them. */
class ImageHeaderTest {
    private static final long MAX = 36_000_000L;

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "bmp", "gif"})
    void formatAndSizeOfEachFormat(String format) {
        ImageHeader h = ImageDecoder.readHeader(TestImages.write(TestImages.randomRgb(37, 23, 1), format), MAX);
        assertEquals(ImageFormat.byName(format), h.format());
        assertEquals(37, h.width());
        assertEquals(23, h.height());
        assertEquals("37x23", h.size());
    }

    @Test
    void webp() {
        ImageHeader h = ImageDecoder.readHeader(ImageEncoder.encode(TestImages.randomImage(19, 11, 2, false), "webp",
                0.9f), MAX);
        assertEquals(ImageFormat.WEBP, h.format());
        assertEquals(19 * 11, h.pixels());
    }

    @Test
    void aLargeImageIsMeasuredWithoutDecodingIt() {
        byte[] png = StreamedPng.blank(6000, 6000);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ImageDecoder.readHeader(png, MAX); // warm the reader classes up
        long before = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        ImageHeader h = ImageDecoder.readHeader(png, MAX);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(6000, h.width());
        assertEquals(6000, h.height());
        assertTrue(allocated < 4L << 20, "allocated " + allocated + " bytes; the pixels would be 108 MB");
        assertTrue(ms < 500, ms + " ms");
    }

    @Test
    void refusesWhatDecodeWouldRefuseBeforeDecoding() {
        var tooLarge = assertFails(ErrorCode.IMAGE_TOO_LARGE,
                () -> ImageDecoder.readHeader(StreamedPng.blank(6001, 6000), MAX));
        assertTrue(tooLarge.getMessage().contains("6001x6000 = 36006000 pixels, more than the 36000000 allowed"),
                tooLarge.getMessage());
        byte[] png = TestImages.write(TestImages.randomRgb(20, 20, 3), "png");
        assertFails(ErrorCode.INVALID_IMAGE, () -> ImageDecoder.readHeader(Arrays.copyOf(png, png.length - 20), MAX));
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageDecoder.readHeader("not an image".getBytes(), MAX));
    }
}
