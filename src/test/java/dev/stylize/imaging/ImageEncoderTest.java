package dev.stylize.imaging;

import dev.stylize.job.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.stylize.imaging.TestImages.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageEncoderTest {
    private static final long MAX = 1L << 24;

    @Test
    void pngRoundTripIsBitExact() {
        RgbImage image = TestImages.randomImage(37, 23, 11, false);
        byte[] png = ImageEncoder.encode(image, "png", 0f);
        assertEquals(Optional.of(ImageFormat.PNG), ImageFormat.detect(png));
        assertEquals(image, ImageDecoder.decode(png, MAX));
    }

    @Test
    void pngRoundTripKeepsAlphaAndTheColourUnderIt() {
        RgbImage image = TestImages.randomImage(19, 5, 12, true);
        assertEquals(image, ImageDecoder.decode(ImageEncoder.encode(image, "PNG", 0f), MAX));
    }

    @Test
    void jpegIsCloseDropsAlphaAndFollowsQuality() {
        RgbImage image = ImageDecoder.decode(TestImages.write(TestImages.gradient(64, 64), "png"), MAX);
        RgbImage withAlpha = new RgbImage(64, 64, image.rgb(), new byte[64 * 64]);
        byte[] high = ImageEncoder.encode(withAlpha, "jpeg", 0.95f);
        byte[] low = ImageEncoder.encode(image, "jpg", 0.2f);
        assertEquals(Optional.of(ImageFormat.JPEG), ImageFormat.detect(high));
        assertTrue(low.length < high.length, low.length + " vs " + high.length);
        RgbImage decoded = ImageDecoder.decode(high, MAX);
        assertNull(decoded.alpha());
        double error = 0;
        for (int i = 0; i < image.rgb().length; i++) {
            error += Math.abs((image.rgb()[i] & 0xFF) - (decoded.rgb()[i] & 0xFF));
        }
        assertTrue(error / image.rgb().length < 2, "mean error " + error / image.rgb().length);
    }

    /** Lossless WebP: the decoder gives back every byte (so an output's sha256 pins its pixels). */
    @Test
    void webpIsLossless() {
        byte[] rgb = new byte[37 * 23 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 31 + i / 7);
        }
        RgbImage image = new RgbImage(37, 23, rgb, null);
        byte[] webp = ImageEncoder.encode(image, "webp", 0.9f);
        assertEquals(Optional.of(ImageFormat.WEBP), ImageFormat.detect(webp));
        RgbImage decoded = ImageDecoder.decode(webp, 1_000_000);
        assertArrayEquals(image.rgb(), decoded.rgb());
    }

    @Test
    void badFormatOrQualityIsRefused() {
        RgbImage image = RgbImage.filled(2, 2, 0);
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageEncoder.encode(image, "tiff", 0.9f));
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageEncoder.encode(image, null, 0.9f));
        assertFails(ErrorCode.PARAM_OUT_OF_RANGE, () -> ImageEncoder.encode(image, "jpeg", 1.5f));
        assertFails(ErrorCode.PARAM_OUT_OF_RANGE, () -> ImageEncoder.encode(image, "jpeg", Float.NaN));
    }

    @Test
    void contentTypes() {
        assertEquals("image/png", ImageEncoder.contentType("png"));
        assertEquals("image/jpeg", ImageEncoder.contentType("jpeg"));
        assertEquals("image/jpeg", ImageEncoder.contentType("JPG"));
        assertEquals("image/webp", ImageEncoder.contentType("webp"));
        assertFails(ErrorCode.UNSUPPORTED_FORMAT, () -> ImageEncoder.contentType("gif"));
    }
}
