package dev.stylize.pipeline;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A fixed set of canvas sizes (README "TensorRT"): when set, every canvas is resized to the size whose
 * aspect ratio is closest to the layout's, so the transformer only ever sees these token counts (a
 * TensorRT engine is tuned for them). Empty: canvases follow the input (fitted under the pixel budget).
 * Written {@code WxH,WxH,…}; the first size is the one TensorRT optimises for: list the most common first.
 */
public final class CanvasSizes {
    public static final CanvasSizes NONE = new CanvasSizes(List.of());

    /** One canvas size in pixels, each side a multiple of 16. */
    public record Size(int width, int height) {
        /** Transformer image tokens: one per 16×16 pixels. */
        public int tokens() {
            return (width / CanvasPlan.MULTIPLE) * (height / CanvasPlan.MULTIPLE);
        }

        public long pixels() {
            return (long) width * height;
        }

        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    private final List<Size> sizes;

    private CanvasSizes(List<Size> sizes) {
        this.sizes = List.copyOf(sizes);
    }

    /**
     * @param text {@code WxH,WxH,…}; null or blank = {@link #NONE}
     * @throws IllegalArgumentException naming the entry: not {@code WxH}, a side not a positive multiple of 16,
     *         or the aspect ratio of an earlier entry (the later one could never be chosen)
     */
    public static CanvasSizes parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Size> sizes = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            Size s = size(entry.trim());
            for (Size earlier : sizes) {
                if ((long) s.width() * earlier.height() == (long) s.height() * earlier.width()) {
                    throw new IllegalArgumentException("canvas sizes: " + s + " has the aspect ratio of " + earlier
                            + "; the closest aspect ratio picks the size, so only one size per ratio can be used");
                }
            }
            sizes.add(s);
        }
        return new CanvasSizes(sizes);
    }

    private static Size size(String entry) {
        String[] wh = entry.toLowerCase(Locale.ROOT).split("x", -1);
        int w;
        int h;
        try {
            if (wh.length != 2) {
                throw new NumberFormatException();
            }
            w = Integer.parseInt(wh[0].trim());
            h = Integer.parseInt(wh[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("canvas sizes: '" + entry + "' is not WIDTHxHEIGHT (e.g. 1024x1024)");
        }
        int m = CanvasPlan.MULTIPLE;
        if (w < m || h < m || w % m != 0 || h % m != 0) {
            throw new IllegalArgumentException("canvas sizes: " + w + "x" + h + " must have both sides positive"
                    + " multiples of " + m + " (the transformer's tokens are " + m + "x" + m + " pixels)");
        }
        return new Size(w, h);
    }

    public boolean isEmpty() {
        return sizes.isEmpty();
    }

    public List<Size> sizes() {
        return sizes;
    }

    /**
     * The size whose aspect ratio is closest to {@code width:height} (distance: the larger of the two
     * ratios over the smaller, so 2:1 and 1:2 are equally far from 1:1); on a tie the smaller size, then
     * the one listed first.
     */
    public Size closest(long width, long height) {
        if (sizes.isEmpty()) {
            throw new IllegalStateException("no canvas sizes");
        }
        Size best = null;
        BigInteger[] bestDistance = null;
        for (Size s : sizes) {
            BigInteger[] d = distance(width, height, s);
            if (best == null) {
                best = s;
                bestDistance = d;
                continue;
            }
            int c = compare(d, bestDistance);
            if (c < 0 || (c == 0 && s.pixels() < best.pixels())) {
                best = s;
                bestDistance = d;
            }
        }
        return best;
    }

    /** max(a, b) / min(a, b) with a = width·h_s, b = height·w_s, as {numerator, denominator}. */
    private static BigInteger[] distance(long width, long height, Size s) {
        BigInteger a = BigInteger.valueOf(width).multiply(BigInteger.valueOf(s.height()));
        BigInteger b = BigInteger.valueOf(height).multiply(BigInteger.valueOf(s.width()));
        return a.compareTo(b) >= 0 ? new BigInteger[] {a, b} : new BigInteger[] {b, a};
    }

    private static int compare(BigInteger[] x, BigInteger[] y) {
        return x[0].multiply(y[1]).compareTo(y[0].multiply(x[1]));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CanvasSizes other && sizes.equals(other.sizes);
    }

    @Override
    public int hashCode() {
        return sizes.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", sizes.stream().map(Size::toString).toList());
    }
}
