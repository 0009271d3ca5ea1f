package dev.stylize.imaging;

import java.util.Objects;

/**
 * Turns a mask image into the binary Fill mask: {@code 1} = region to generate, {@code 0} = keep.
 *
 * <ul>
 *   <li>An image with an alpha channel that is not fully opaque is read by its alpha: opaque (painted,
 *       alpha ≥ 128) = 1, transparent = 0. This is the "paint over the area to change" convention of brush
 *       tools and of BFL's Fill demo (which uses alpha &gt; 0). Note that diffusers would ignore the alpha of such
 *       an image (its "L" conversion drops alpha).</li>
 *   <li>Otherwise the luminance is used, exactly as Pillow's {@code convert("L")}:
 *       {@code L = (R·19595 + G·38470 + B·7471 + 0x8000) >> 16} (≈ 0.299 R + 0.587 G + 0.114 B, rounded), and
 *       {@code L ≥ 128} = 1 — white = generate, black = keep, as diffusers binarizes at 0.5
 *       (docs/pipeline.md#mask-binarization).</li>
 * </ul>
 */
public final class MaskReader {

    /** 8-bit values at or above this are "on" (diffusers: {@code v/255 ≥ 0.5}). */
    public static final int THRESHOLD = 128;

    private MaskReader() {
    }

    /** The binary mask of {@code image}, {@code width·height} values of 0 or 1, row-major. */
    public static float[] fromImage(RgbImage image) {
        Objects.requireNonNull(image, "image");
        int n = image.pixelCount();
        float[] mask = new float[n];
        byte[] alpha = image.alpha();
        if (alpha != null && !fullyOpaque(alpha)) {
            for (int i = 0; i < n; i++) {
                mask[i] = (alpha[i] & 0xFF) >= THRESHOLD ? 1f : 0f;
            }
            return mask;
        }
        byte[] rgb = image.rgb();
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            mask[i] = luminance(rgb[j] & 0xFF, rgb[j + 1] & 0xFF, rgb[j + 2] & 0xFF) >= THRESHOLD ? 1f : 0f;
        }
        return mask;
    }

    /**
     * {@link #fromImage} as an 8-bit plane read row by row (255 = generate, 0 = keep), for resizing a mask
     * without first holding its float form.
     */
    public static PixelRows rows(RgbImage image) {
        Objects.requireNonNull(image, "image");
        byte[] alpha = image.alpha();
        boolean byAlpha = alpha != null && !fullyOpaque(alpha);
        byte[] rgb = image.rgb();
        int w = image.width();
        return PixelRows.of(w, image.height(), 1, (y, dst, offset) -> {
            for (int x = 0, i = y * w; x < w; x++, i++) {
                boolean on = byAlpha ? (alpha[i] & 0xFF) >= THRESHOLD
                        : luminance(rgb[3 * i] & 0xFF, rgb[3 * i + 1] & 0xFF, rgb[3 * i + 2] & 0xFF) >= THRESHOLD;
                dst[offset + x] = (byte) (on ? 255 : 0);
            }
        });
    }

    /** Pillow's RGB → "L" conversion of one pixel. */
    public static int luminance(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** True when no value of the mask is set (nothing to generate). */
    public static boolean isEmpty(float[] mask) {
        for (float v : mask) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    private static boolean fullyOpaque(byte[] alpha) {
        for (byte a : alpha) {
            if (a != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }
}
