package dev.stylize.imaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * Separable resampling of 8-bit images that reproduces Pillow's {@code Image.resize} (8 bits per channel,
 * no box, no reducing gap) bit for bit (docs/pipeline.md#siglip-preprocessing):
 *
 * <ol>
 *   <li>Horizontal pass first, then vertical; each pass writes 8-bit samples. A pass whose size does not change
 *       is skipped (so an unchanged size returns an exact copy).</li>
 *   <li>Per pass, with {@code scale = in/out} and {@code fs = max(scale, 1)}: {@code support = filter.support·fs};
 *       output {@code o} has {@code center = (o + 0.5)·scale} and taps
 *       {@code [int(center − support + 0.5), int(center + support + 0.5))} clamped to the input; tap {@code x}
 *       weighs {@code filter((x − center + 0.5)·(1/fs))}; the weights are divided by their sum.</li>
 *   <li>Weights become 22-bit fixed point, rounded half away from zero; each output accumulates from
 *       {@code 2^21} (that is, +0.5), is shifted right by 22 and clamped to 0..255.</li>
 * </ol>
 *
 * Channels are resampled independently. Note that Pillow premultiplies RGB by alpha before resizing an RGBA
 * image; this class does not, so for Pillow parity drop alpha first (as the SigLIP and Fill preprocessors do).
 */
public final class Resampler {

    /** Fixed-point fraction bits of the weights (Pillow: 32 − 8 − 2). */
    static final int PRECISION_BITS = 22;

    /** Resampling kernels with Pillow's supports and formulas. */
    public enum Filter {
        /** Box (area average when downscaling), support 0.5. */
        BOX(0.5) {
            @Override
            double weight(double x) {
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            }
        },
        /** Triangle, support 1. */
        BILINEAR(1.0) {
            @Override
            double weight(double x) {
                double t = x < 0 ? -x : x;
                return t < 1.0 ? 1.0 - t : 0.0;
            }
        },
        /** Keys cubic with a = −0.5, support 2. */
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                double t = x < 0 ? -x : x;
                if (t < 1.0) {
                    return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
                }
                if (t < 2.0) {
                    return (((t - 5) * t + 8) * t - 4) * a;
                }
                return 0.0;
            }
        },
        /** Lanczos: sinc(x)·sinc(x/3) windowed to [−3, 3), support 3. */
        LANCZOS(3.0) {
            @Override
            double weight(double x) {
                return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
            }
        };

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        /** Half-width of the kernel at scale 1. */
        public double support() {
            return support;
        }

        /** The kernel value at {@code x} (in input pixels at scale 1). */
        abstract double weight(double x);

        private static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            double px = x * Math.PI;
            return StrictMath.sin(px) / px;
        }
    }

    private Resampler() {
    }

    /** Resizes RGB and, when present, alpha (each channel on its own) to {@code newWidth × newHeight}. */
    public static RgbImage resize(RgbImage image, int newWidth, int newHeight, Filter filter) {
        Objects.requireNonNull(image, "image");
        byte[] rgb = resample(image.rgb(), image.width(), image.height(), 3, newWidth, newHeight, filter);
        byte[] alpha = image.alpha() == null ? null
                : resample(image.alpha(), image.width(), image.height(), 1, newWidth, newHeight, filter);
        return new RgbImage(newWidth, newHeight, rgb, alpha);
    }

    /** Resizes one 8-bit plane of {@code width·height} bytes. */
    public static byte[] resizePlane(byte[] plane, int width, int height, int newWidth, int newHeight, Filter filter) {
        return resample(plane, width, height, 1, newWidth, newHeight, filter);
    }

    /**
     * {@link #resizePlane}/{@link #resize} of an image given as rows: the same two passes and the same bytes,
     * but the source is read one row at a time and never held whole; only the horizontal pass's output
     * ({@code newWidth × height}) and the result are allocated. Returns interleaved samples of
     * {@code rows.channels()} per pixel.
     */
    public static byte[] resize(PixelRows rows, int newWidth, int newHeight, Filter filter) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(filter, "filter");
        int width = rows.width();
        int height = rows.height();
        int channels = rows.channels();
        if (width < 1 || height < 1 || newWidth < 1 || newHeight < 1) {
            throw new IllegalArgumentException("sizes must be positive: " + width + "x" + height
                    + " -> " + newWidth + "x" + newHeight);
        }
        if (newWidth == width) {
            return newHeight == height ? rows.toBytes()
                    : verticalRows(rows, channels, newHeight, Taps.of(height, newHeight, filter));
        }
        Taps taps = Taps.of(width, newWidth, filter);
        byte[] row = new byte[width * channels];
        byte[] out = new byte[Math.multiplyExact(newWidth * channels, height)];
        for (int y = 0; y < height; y++) {
            rows.copyRow(y, row, 0);
            horizontalRow(row, 0, out, y * newWidth * channels, channels, newWidth, taps);
        }
        return newHeight == height ? out
                : vertical(out, newWidth, height, channels, newHeight, Taps.of(height, newHeight, filter));
    }

    /** Resamples interleaved 8-bit pixels of {@code channels} samples each. Returns a new array. */
    static byte[] resample(byte[] src, int width, int height, int channels, int newWidth, int newHeight,
                           Filter filter) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(filter, "filter");
        if (width < 1 || height < 1 || newWidth < 1 || newHeight < 1) {
            throw new IllegalArgumentException("sizes must be positive: " + width + "x" + height
                    + " -> " + newWidth + "x" + newHeight);
        }
        if (src.length != (long) width * height * channels) {
            throw new IllegalArgumentException("expected " + (long) width * height * channels
                    + " bytes for " + width + "x" + height + "x" + channels + ", got " + src.length);
        }
        byte[] out = src;
        int w = width;
        if (newWidth != width) {
            out = horizontal(out, w, height, channels, newWidth, Taps.of(width, newWidth, filter));
            w = newWidth;
        }
        if (newHeight != height) {
            out = vertical(out, w, height, channels, newHeight, Taps.of(height, newHeight, filter));
        }
        return out == src ? src.clone() : out;
    }

    private static byte[] horizontal(byte[] src, int width, int height, int channels, int newWidth, Taps taps) {
        byte[] out = new byte[newWidth * height * channels];
        for (int y = 0; y < height; y++) {
            horizontalRow(src, y * width * channels, out, y * newWidth * channels, channels, newWidth, taps);
        }
        return out;
    }

    /** One row of the horizontal pass: {@code newWidth} pixels from the row starting at {@code src[rowIn]}. */
    private static void horizontalRow(byte[] src, int rowIn, byte[] out, int rowOut, int channels, int newWidth,
                                      Taps taps) {
        int[] kk = taps.weights;
        for (int o = 0; o < newWidth; o++) {
            int first = taps.first[o];
            int count = taps.count[o];
            int k0 = o * taps.stride;
            for (int c = 0; c < channels; c++) {
                int acc = 1 << (PRECISION_BITS - 1);
                int s = rowIn + first * channels + c;
                for (int t = 0; t < count; t++, s += channels) {
                    acc += (src[s] & 0xFF) * kk[k0 + t];
                }
                out[rowOut + o * channels + c] = clip8(acc);
            }
        }
    }

    private static byte[] vertical(byte[] src, int width, int height, int channels, int newHeight, Taps taps) {
        int rowLen = width * channels;
        byte[] out = new byte[rowLen * newHeight];
        int[] kk = taps.weights;
        int[] acc = new int[rowLen];
        for (int o = 0; o < newHeight; o++) {
            Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int first = taps.first[o];
            int count = taps.count[o];
            int k0 = o * taps.stride;
            for (int t = 0; t < count; t++) {
                int k = kk[k0 + t];
                int rowIn = (first + t) * rowLen;
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (src[rowIn + i] & 0xFF) * k;
                }
            }
            int rowOut = o * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[rowOut + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    /** {@link #vertical} reading each tap's row from {@code rows} (a source only resized vertically). */
    private static byte[] verticalRows(PixelRows rows, int channels, int newHeight, Taps taps) {
        int rowLen = rows.width() * channels;
        byte[] out = new byte[Math.multiplyExact(rowLen, newHeight)];
        int[] kk = taps.weights;
        int[] acc = new int[rowLen];
        byte[] row = new byte[rowLen];
        for (int o = 0; o < newHeight; o++) {
            Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int first = taps.first[o];
            int count = taps.count[o];
            int k0 = o * taps.stride;
            for (int t = 0; t < count; t++) {
                int k = kk[k0 + t];
                rows.copyRow(first + t, row, 0);
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (row[i] & 0xFF) * k;
                }
            }
            int rowOut = o * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[rowOut + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** The taps of one pass: for each output, its first input index, tap count and fixed-point weights. */
    static final class Taps {
        final int[] first;
        final int[] count;
        final int stride;
        final int[] weights;
        /** The normalized double weights before fixed-point conversion (kept for tests). */
        final double[] exact;

        private Taps(int[] first, int[] count, int stride, int[] weights, double[] exact) {
            this.first = first;
            this.count = count;
            this.stride = stride;
            this.weights = weights;
            this.exact = exact;
        }

        static Taps of(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support() * filterScale;
            int stride = (int) Math.ceil(support) * 2 + 1;
            double inverse = 1.0 / filterScale;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            double[] exact = new double[outSize * stride];
            int[] weights = new int[outSize * stride];
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                // (int) truncates toward zero like C; a negative start is clamped to 0 either way.
                int lo = Math.max((int) (center - support + 0.5), 0);
                int hi = Math.min((int) (center + support + 0.5), inSize);
                int n = Math.max(hi - lo, 0);
                double sum = 0.0;
                for (int t = 0; t < n; t++) {
                    double w = filter.weight((t + lo - center + 0.5) * inverse);
                    exact[o * stride + t] = w;
                    sum += w;
                }
                for (int t = 0; t < n; t++) {
                    int i = o * stride + t;
                    if (sum != 0.0) {
                        exact[i] /= sum;
                    }
                    weights[i] = toFixed(exact[i]);
                }
                first[o] = lo;
                count[o] = n;
            }
            return new Taps(first, count, stride, weights, exact);
        }

        /** {@code w·2^22} rounded half away from zero. */
        static int toFixed(double w) {
            double scaled = w * (1 << PRECISION_BITS);
            return (int) (w < 0 ? scaled - 0.5 : scaled + 0.5);
        }
    }
}
