package dev.stylize.imaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * Canvas geometry for the modes: the composite's two-panel canvas (docs/pipeline.md#composite-canvas),
 * outpainting padding, and rectangular masks. Results are RGB only (alpha is dropped: the Fill model takes
 * RGB). Sizes that do not fit are programming errors of the caller and throw {@link IllegalArgumentException}.
 */
public final class Canvas {

    private Canvas() {
    }

    /**
     * {@code [a | b]} (horizontal: same heights, widths add up) or {@code a} above {@code b} (vertical: same
     * widths, heights add up).
     */
    public static RgbImage sideBySide(RgbImage a, RgbImage b, boolean horizontal) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (horizontal) {
            if (a.height() != b.height()) {
                throw new IllegalArgumentException("side by side needs equal heights, got " + a + " and " + b);
            }
            int w = a.width() + b.width();
            int h = a.height();
            byte[] out = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                System.arraycopy(a.rgb(), y * a.width() * 3, out, y * w * 3, a.width() * 3);
                System.arraycopy(b.rgb(), y * b.width() * 3, out, (y * w + a.width()) * 3, b.width() * 3);
            }
            return RgbImage.of(w, h, out);
        }
        if (a.width() != b.width()) {
            throw new IllegalArgumentException("one above the other needs equal widths, got " + a + " and " + b);
        }
        byte[] out = new byte[a.rgb().length + b.rgb().length];
        System.arraycopy(a.rgb(), 0, out, 0, a.rgb().length);
        System.arraycopy(b.rgb(), 0, out, a.rgb().length, b.rgb().length);
        return RgbImage.of(a.width(), a.height() + b.height(), out);
    }

    /**
     * {@link #sideBySide(RgbImage, RgbImage, boolean)} as rows read on demand: the same samples, never held
     * whole. Both parts must have the same number of channels.
     */
    public static PixelRows sideBySide(PixelRows a, PixelRows b, boolean horizontal) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.channels() != b.channels()) {
            throw new IllegalArgumentException("parts differ in channels: " + a.channels() + " and " + b.channels());
        }
        if (horizontal ? a.height() != b.height() : a.width() != b.width()) {
            throw new IllegalArgumentException((horizontal ? "side by side needs equal heights"
                    : "one above the other needs equal widths") + ", got " + a.width() + "x" + a.height()
                    + " and " + b.width() + "x" + b.height());
        }
        int width = horizontal ? Math.addExact(a.width(), b.width()) : a.width();
        int height = horizontal ? a.height() : Math.addExact(a.height(), b.height());
        return PixelRows.of(width, height, a.channels(), (y, dst, offset) -> {
            if (horizontal) {
                a.copyRow(y, dst, offset);
                b.copyRow(y, dst, offset + a.width() * a.channels());
            } else if (y < a.height()) {
                a.copyRow(y, dst, offset);
            } else {
                b.copyRow(y - a.height(), dst, offset);
            }
        });
    }

    /**
     * {@code image} on a larger canvas of colour {@code fillRgb} ({@code 0xRRGGBB}), with the given margins
     * (each ≥ 0); the image's top-left corner lands at ({@code left}, {@code top}).
     */
    public static RgbImage pad(RgbImage image, int left, int right, int top, int bottom, int fillRgb) {
        Objects.requireNonNull(image, "image");
        if (left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw new IllegalArgumentException("margins must be ≥ 0, got left " + left + ", right " + right
                    + ", top " + top + ", bottom " + bottom);
        }
        int w = Math.addExact(Math.addExact(image.width(), left), right);
        int h = Math.addExact(Math.addExact(image.height(), top), bottom);
        RgbImage canvas = RgbImage.filled(w, h, fillRgb);
        byte[] out = canvas.rgb();
        for (int y = 0; y < image.height(); y++) {
            System.arraycopy(image.rgb(), y * image.width() * 3, out, ((top + y) * w + left) * 3, image.width() * 3);
        }
        return canvas;
    }

    /**
     * A {@code width × height} mask, 1 inside the rectangle {@code [x, x+w) × [y, y+h)} (clipped to the
     * canvas) and 0 elsewhere.
     */
    public static float[] rectMask(int width, int height, int x, int y, int w, int h) {
        if (width < 1 || height < 1 || w < 0 || h < 0) {
            throw new IllegalArgumentException("bad mask geometry: canvas " + width + "x" + height
                    + ", rectangle " + w + "x" + h);
        }
        float[] mask = new float[Math.multiplyExact(width, height)];
        int x0 = Math.max(x, 0);
        int y0 = Math.max(y, 0);
        int x1 = (int) Math.min((long) x + w, width);
        int y1 = (int) Math.min((long) y + h, height);
        for (int row = y0; row < y1; row++) {
            if (x0 < x1) {
                Arrays.fill(mask, row * width + x0, row * width + x1, 1f);
            }
        }
        return mask;
    }
}
