package dev.stylize.imaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * An 8-bit RGB image with optional 8-bit alpha, in memory as the pipeline uses it.
 *
 * @param width  pixels per row, at least 1
 * @param height rows, at least 1
 * @param rgb    interleaved R, G, B bytes, row-major, {@code 3·width·height} long; bytes are unsigned
 * @param alpha  one byte per pixel (255 = opaque), or {@code null} when the image has no alpha channel
 */
public record RgbImage(int width, int height, byte[] rgb, byte[] alpha) {

    /** The most pixels one image can hold: its RGB samples are one Java array. */
    public static final long MAX_PIXELS = Integer.MAX_VALUE / 3;

    /** {@link #toSigned} for every 8-bit value. */
    private static final float[] SIGNED = new float[256];

    static {
        for (int u = 0; u < 256; u++) {
            SIGNED[u] = toSigned(u);
        }
    }

    public RgbImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > MAX_PIXELS) {
            throw new IllegalArgumentException("image too large for one array: " + width + "x" + height);
        }
        Objects.requireNonNull(rgb, "rgb");
        if (rgb.length != pixels * 3) {
            throw new IllegalArgumentException("rgb has " + rgb.length + " bytes, expected " + pixels * 3);
        }
        if (alpha != null && alpha.length != pixels) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " bytes, expected " + pixels);
        }
    }

    /** An image without alpha. */
    public static RgbImage of(int width, int height, byte[] rgb) {
        return new RgbImage(width, height, rgb, null);
    }

    /** An image of one colour, {@code 0xRRGGBB}, without alpha. */
    public static RgbImage filled(int width, int height, int rgb24) {
        byte[] data = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        byte r = (byte) (rgb24 >>> 16), g = (byte) (rgb24 >>> 8), b = (byte) rgb24;
        for (int i = 0; i < data.length; i += 3) {
            data[i] = r;
            data[i + 1] = g;
            data[i + 2] = b;
        }
        return new RgbImage(width, height, data, null);
    }

    public int pixelCount() {
        return width * height;
    }

    public boolean hasAlpha() {
        return alpha != null;
    }

    public int r(int x, int y) {
        return rgb[index(x, y) * 3] & 0xFF;
    }

    public int g(int x, int y) {
        return rgb[index(x, y) * 3 + 1] & 0xFF;
    }

    public int b(int x, int y) {
        return rgb[index(x, y) * 3 + 2] & 0xFF;
    }

    /** Alpha at (x, y); 255 when the image has no alpha channel. */
    public int a(int x, int y) {
        int i = index(x, y);
        return alpha == null ? 255 : alpha[i] & 0xFF;
    }

    /** {@code 0xRRGGBB} at (x, y). */
    public int rgb24(int x, int y) {
        int i = index(x, y) * 3;
        return (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF);
    }

    /** The same pixels without the alpha channel (the RGB array is shared, not copied). */
    public RgbImage withoutAlpha() {
        return alpha == null ? this : new RgbImage(width, height, rgb, null);
    }

    /** A copy of the rectangle {@code [x, x+w) × [y, y+h)}, which must lie inside the image. */
    public RgbImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x + "+" + y
                    + " is outside the " + width + "x" + height + " image");
        }
        byte[] outRgb = new byte[w * h * 3];
        byte[] outAlpha = alpha == null ? null : new byte[w * h];
        for (int row = 0; row < h; row++) {
            int src = (y + row) * width + x;
            System.arraycopy(rgb, src * 3, outRgb, row * w * 3, w * 3);
            if (outAlpha != null) {
                System.arraycopy(alpha, src, outAlpha, row * w, w);
            }
        }
        return new RgbImage(w, h, outRgb, outAlpha);
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) as its own plane of {@code width·height} bytes. */
    public byte[] plane(int c) {
        Objects.checkIndex(c, 3);
        int n = pixelCount();
        byte[] out = new byte[n];
        for (int i = 0, j = c; i < n; i++, j += 3) {
            out[i] = rgb[j];
        }
        return out;
    }

    /** Interleaves three planes (and an optional alpha plane) into an image. */
    public static RgbImage fromPlanes(int width, int height, byte[] r, byte[] g, byte[] b, byte[] alpha) {
        int n = Math.multiplyExact(width, height);
        if (r.length != n || g.length != n || b.length != n) {
            throw new IllegalArgumentException("planes must hold " + n + " bytes each");
        }
        byte[] out = new byte[n * 3];
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            out[j] = r[i];
            out[j + 1] = g[i];
            out[j + 2] = b[i];
        }
        return new RgbImage(width, height, out, alpha);
    }

    /**
     * The image as a channels-first float array {@code [3][height][width]} in [−1, 1], each value
     * {@link #toSigned(int)} of the 8-bit sample. Alpha is ignored.
     */
    public float[] toChwFloat() {
        int n = pixelCount();
        float[] out = new float[3 * n];
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            out[i] = SIGNED[rgb[j] & 0xFF];
            out[n + i] = SIGNED[rgb[j + 1] & 0xFF];
            out[2 * n + i] = SIGNED[rgb[j + 2] & 0xFF];
        }
        return out;
    }

    /**
     * Maps an 8-bit sample to [−1, 1] as {@code u/127.5 − 1} in float32, the way BFL's {@code prepare_fill}
     * does it in torch: the quotient is rounded to float once ({@code (float)(u/127.5)}, the same value as a
     * float32 division), then 1 is subtracted in float32. 0 → −1, 255 → 1 exactly. (diffusers' {@code 2·(u/255) − 1}
     * can differ from this by one ulp for some values.)
     */
    public static float toSigned(int u8) {
        if (u8 < 0 || u8 > 255) {
            throw new IllegalArgumentException("not an 8-bit value: " + u8);
        }
        return (float) (u8 / 127.5) - 1f;
    }

    private int index(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new IndexOutOfBoundsException("(" + x + ", " + y + ") outside " + width + "x" + height);
        }
        return y * width + x;
    }

    /** Equal when size and every byte (RGB and alpha) are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other
                && width == other.width && height == other.height
                && Arrays.equals(rgb, other.rgb) && Arrays.equals(alpha, other.alpha);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + Arrays.hashCode(rgb)) + Arrays.hashCode(alpha);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + (alpha == null ? "" : ", alpha") + "]";
    }
}
