package dev.stylize.imaging;

import dev.stylize.imaging.Resampler.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static int[] unsigned(byte[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] & 0xFF;
        }
        return out;
    }

    private static int[] resizeRow(Filter filter, int newWidth, int... values) {
        return unsigned(Resampler.resizePlane(bytes(values), values.length, 1, newWidth, 1, filter));
    }

    // ---- cases worked out by hand -------------------------------------------------------------------

    @Test
    void boxHalvingAveragesPairsAndRoundsHalfUp() {
        // scale 2: output o covers inputs 2o and 2o+1 with weight 1/2 each; (10+21)/2 = 15.5 -> 16
        assertArrayEquals(new int[] {15, 40}, resizeRow(Filter.BOX, 2, 10, 20, 30, 50));
        assertArrayEquals(new int[] {16}, resizeRow(Filter.BOX, 1, 10, 21));
    }

    @Test
    void bilinearDownscaleByTwoWidensTheTriangle() {
        // scale 2, support 2: o=0 has center 1.0, taps 0..2 with weights 0.75, 0.75, 0.25 (normalized /1.75)
        // 0·3/7 + 70·3/7 + 140·1/7 = 50; o=1 (center 3.0): taps 1..3, 70·1/7 + 140·3/7 + 140·3/7 = 130
        assertArrayEquals(new int[] {50, 130}, resizeRow(Filter.BILINEAR, 2, 0, 70, 140, 140));
    }

    @Test
    void bilinearUpscaleOfTwoPixelRamp() {
        // centers 0.25, 0.75, 1.25, 1.75: weights (1), (0.75, 0.25), (0.25, 0.75), (1)
        assertArrayEquals(new int[] {0, 25, 75, 100}, resizeRow(Filter.BILINEAR, 4, 0, 100));
    }

    @Test
    void bicubicUpscaleOfTwoPixelRampOvershootsAndClamps() {
        // o=1: center 0.75, taps k(-0.25) = 0.8671875, k(0.75) = 0.2265625 -> 255·0.2265625/1.09375 = 52.82
        // o=0: center 0.25, taps k(0.25) = 0.8671875, k(1.25) = -0.0703125 -> 255·(-0.0882) < 0 -> 0
        assertArrayEquals(new int[] {0, 53, 202, 255}, resizeRow(Filter.BICUBIC, 4, 0, 255));
        // without clamping: 100·1.0882 + 200·(-0.0882) = 91.18, then 120.71, 179.29, 208.82
        assertArrayEquals(new int[] {91, 121, 179, 209}, resizeRow(Filter.BICUBIC, 4, 100, 200));
    }

    @Test
    void verticalPassUsesTheSameTapsAsHorizontal() {
        byte[] column = Resampler.resizePlane(bytes(0, 100), 1, 2, 1, 4, Filter.BILINEAR);
        assertArrayEquals(new int[] {0, 25, 75, 100}, unsigned(column));
    }

    // ---- properties ---------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Filter.class)
    void sameSizeIsAnExactCopy(Filter filter) {
        RgbImage image = TestImages.randomImage(7, 5, 1, true);
        RgbImage same = Resampler.resize(image, 7, 5, filter);
        assertEquals(image, same);
        assertNotSame(image.rgb(), same.rgb());
    }

    @ParameterizedTest
    @EnumSource(Filter.class)
    void uniformImageStaysExactlyUniform(Filter filter) {
        Random random = new Random(5);
        for (int trial = 0; trial < 40; trial++) {
            int w = 1 + random.nextInt(40);
            int h = 1 + random.nextInt(40);
            int nw = 1 + random.nextInt(60);
            int nh = 1 + random.nextInt(60);
            int color = random.nextInt(0x1000000);
            RgbImage out = Resampler.resize(RgbImage.filled(w, h, color), nw, nh, filter);
            assertEquals(RgbImage.filled(nw, nh, color), out, w + "x" + h + " -> " + nw + "x" + nh);
        }
        for (int v : new int[] {0, 1, 254, 255}) {
            byte[] plane = new byte[13 * 7];
            java.util.Arrays.fill(plane, (byte) v);
            byte[] out = Resampler.resizePlane(plane, 13, 7, 384, 384, filter);
            for (byte b : out) {
                assertEquals(v, b & 0xFF);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Filter.class, names = {"BILINEAR", "BICUBIC", "LANCZOS"})
    void mirroredInputGivesMirroredOutput(Filter filter) {
        int[][] sizes = {{10, 4}, {4, 10}, {8, 3}, {3, 8}, {16, 5}, {6, 6 * 4}};
        Random random = new Random(9);
        for (int[] s : sizes) {
            byte[] in = new byte[s[0]];
            random.nextBytes(in);
            byte[] mirrored = reverse(in);
            byte[] out = Resampler.resizePlane(in, s[0], 1, s[1], 1, filter);
            byte[] outMirrored = Resampler.resizePlane(mirrored, s[0], 1, s[1], 1, filter);
            assertArrayEquals(reverse(out), outMirrored, s[0] + " -> " + s[1]);
        }
    }

    @Test
    void transposeCommutesWithResize() {
        // horizontal-then-vertical on the transposed image is vertical-then-horizontal; with one axis unchanged
        // only one pass runs, so transposing input and output must agree exactly
        RgbImage image = TestImages.randomImage(9, 1, 3, false);
        byte[] plane = image.plane(1);
        byte[] wide = Resampler.resizePlane(plane, 9, 1, 4, 1, Filter.LANCZOS);
        byte[] tall = Resampler.resizePlane(plane, 1, 9, 1, 4, Filter.LANCZOS);
        assertArrayEquals(wide, tall);
    }

    @ParameterizedTest
    @EnumSource(Filter.class)
    void onePassIsWithinOneOfAnIndependentDoubleComputation(Filter filter) {
        Random random = new Random(17);
        for (int trial = 0; trial < 60; trial++) {
            int w = 1 + random.nextInt(50);
            int nw = 1 + random.nextInt(50);
            byte[] in = new byte[w];
            random.nextBytes(in);
            int[] out = unsigned(Resampler.resizePlane(in, w, 1, nw, 1, filter));
            double[] ref = referenceRow(unsignedDoubles(in), nw, filter);
            for (int o = 0; o < nw; o++) {
                long expected = Math.max(0, Math.min(255, Math.round(ref[o])));
                assertTrue(Math.abs(out[o] - expected) <= 1,
                        filter + " " + w + "->" + nw + " at " + o + ": " + out[o] + " vs " + ref[o]);
            }
        }
    }

    @Test
    void alphaIsResizedWithTheImage() {
        RgbImage image = new RgbImage(2, 1, bytes(0, 0, 0, 100, 100, 100), bytes(0, 100));
        RgbImage out = Resampler.resize(image, 4, 1, Filter.BILINEAR);
        assertArrayEquals(new int[] {0, 25, 75, 100}, unsigned(out.alpha()));
        assertArrayEquals(new int[] {0, 25, 75, 100}, unsigned(out.plane(2)));
        assertEquals(null, Resampler.resize(image.withoutAlpha(), 4, 1, Filter.BILINEAR).alpha());
    }

    // ---- Pillow's own output --------------------------------------------------------------------------

    /** Cases produced by Pillow 9.4 (see make_fixtures.py beside the fixture); must match bit for bit. */
    @Test
    void matchesPillowBitForBit() {
        String text = new String(TestImages.resource("pil-resize.txt"), StandardCharsets.US_ASCII);
        int cases = 0;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split(" ");
            Filter filter = Filter.valueOf(f[0]);
            int w = Integer.parseInt(f[1]), h = Integer.parseInt(f[2]);
            int nw = Integer.parseInt(f[3]), nh = Integer.parseInt(f[4]);
            byte[] src = HexFormat.of().parseHex(f[5]);
            byte[] expected = HexFormat.of().parseHex(f[6]);
            assertArrayEquals(expected, Resampler.resizePlane(src, w, h, nw, nh, filter),
                    String.join(" ", f[0], f[1], f[2], f[3], f[4]));
            cases++;
        }
        assertEquals(48, cases);
    }

    // ---- independent reference ------------------------------------------------------------------------

    private static double[] referenceRow(double[] in, int outSize, Filter filter) {
        double scale = in.length / (double) outSize;
        double stretch = Math.max(scale, 1);
        double support = kernelSupport(filter) * stretch;
        double[] out = new double[outSize];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            double sum = 0;
            double total = 0;
            for (int x = 0; x < in.length; x++) {
                if (x < (int) (center - support + 0.5) || x >= (int) (center + support + 0.5)) {
                    continue;
                }
                double k = kernel(filter, (x + 0.5 - center) / stretch);
                sum += k * in[x];
                total += k;
            }
            out[o] = sum / total;
        }
        return out;
    }

    private static double kernelSupport(Filter filter) {
        return switch (filter) {
            case BOX -> 0.5;
            case BILINEAR -> 1;
            case BICUBIC -> 2;
            case LANCZOS -> 3;
        };
    }

    private static double kernel(Filter filter, double x) {
        double t = Math.abs(x);
        return switch (filter) {
            case BOX -> x > -0.5 && x <= 0.5 ? 1 : 0;
            case BILINEAR -> Math.max(0, 1 - t);
            // Keys, a = -0.5
            case BICUBIC -> t < 1 ? 1.5 * t * t * t - 2.5 * t * t + 1
                    : t < 2 ? -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2 : 0;
            case LANCZOS -> x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
        };
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    private static double[] unsignedDoubles(byte[] in) {
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] & 0xFF;
        }
        return out;
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }
}
