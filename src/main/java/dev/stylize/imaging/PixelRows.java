package dev.stylize.imaging;

import java.util.Objects;

/**
 * An 8-bit image read one row at a time, so that a resize can consume an image that is never built whole
 * (a composite's two-panel canvas and its mask, which exist only to be shrunk to the canvas budget).
 */
public interface PixelRows {
    int width();

    int height();

    /** Interleaved samples per pixel. */
    int channels();

    /** Copies row {@code y} ({@code width·channels} bytes) into {@code dst} from {@code offset}. */
    void copyRow(int y, byte[] dst, int offset);

    /** Where a {@link PixelRows} takes its rows from. */
    @FunctionalInterface
    interface RowSource {
        void copyRow(int y, byte[] dst, int offset);
    }

    /** Rows of the given size taken from {@code source}. */
    static PixelRows of(int width, int height, int channels, RowSource source) {
        return new Sized(width, height, channels, source);
    }

    /** The one implementation behind {@link #of(int, int, int, RowSource)}. */
    record Sized(int width, int height, int channels, RowSource source) implements PixelRows {
        @Override
        public void copyRow(int y, byte[] dst, int offset) {
            source.copyRow(y, dst, offset);
        }
    }

    /** All rows in one array, row-major: what a materialised image would hold. */
    default byte[] toBytes() {
        int rowLen = width() * channels();
        byte[] out = new byte[Math.multiplyExact(rowLen, height())];
        for (int y = 0; y < height(); y++) {
            copyRow(y, out, y * rowLen);
        }
        return out;
    }

    /** The RGB samples of {@code image} (alpha is not included). */
    static PixelRows of(RgbImage image) {
        Objects.requireNonNull(image, "image");
        return PixelRows.of(image.width(), image.height(), 3, (y, dst, offset) -> {
            System.arraycopy(image.rgb(), y * image.width() * 3, dst, offset, image.width() * 3);
        });
    }

    /** One channel, 255 where {@code mask > 0.5} and 0 elsewhere: a {0,1} mask as an 8-bit plane. */
    static PixelRows binaryMask(float[] mask, int width, int height) {
        Objects.requireNonNull(mask, "mask");
        if (width < 1 || height < 1 || mask.length != (long) width * height) {
            throw new IllegalArgumentException("mask has " + mask.length + " values for " + width + "x" + height);
        }
        return PixelRows.of(width, height, 1, (y, dst, offset) -> {
            for (int x = 0, i = y * width; x < width; x++, i++) {
                dst[offset + x] = (byte) (mask[i] > 0.5f ? 255 : 0);
            }
        });
    }

    /** {@code width × height} pixels of {@code channels} zero samples. */
    static PixelRows zeros(int width, int height, int channels) {
        if (width < 1 || height < 1 || channels < 1) {
            throw new IllegalArgumentException("bad size " + width + "x" + height + "x" + channels);
        }
        return PixelRows.of(width, height, channels, (y, dst, offset) -> {
            java.util.Arrays.fill(dst, offset, offset + width * channels, (byte) 0);
        });
    }
}
