package dev.stylize.imaging;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import org.junit.jupiter.api.function.Executable;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Helpers shared by the imaging tests: images made in the test, encoded with the JDK's ImageIO. */
final class TestImages {
    private TestImages() {
    }

    /** Encodes with ImageIO; fails when no writer takes this image type. */
    static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A TYPE_INT_RGB image with a different, seeded colour per pixel. */
    static BufferedImage randomRgb(int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt() & 0xFFFFFF);
            }
        }
        return image;
    }

    /** A smooth gradient (compresses well as JPEG, so lossy comparisons can use a tight tolerance). */
    static BufferedImage gradient(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = x * 255 / Math.max(w - 1, 1);
                int g = y * 255 / Math.max(h - 1, 1);
                image.setRGB(x, y, r << 16 | g << 8 | 128);
            }
        }
        return image;
    }

    static RgbImage randomImage(int w, int h, long seed, boolean alpha) {
        Random random = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        random.nextBytes(rgb);
        byte[] a = null;
        if (alpha) {
            a = new byte[w * h];
            random.nextBytes(a);
        }
        return new RgbImage(w, h, rgb, a);
    }

    static byte[] resource(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StylizeException assertFails(ErrorCode code, Executable call) {
        StylizeException e = assertThrows(StylizeException.class, call);
        assertEquals(code, e.code(), () -> "message: " + e.getMessage());
        return e;
    }
}
