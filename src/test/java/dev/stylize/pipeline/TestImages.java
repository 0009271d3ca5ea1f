package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;

/** Test images with known pixels. */
public final class TestImages {
    private TestImages() {}

    /** Non-square, asymmetric gradient: r grows with x, g with y, b with x·y. */
    public static RgbImage gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                rgb[i] = (byte) (255 * x / (w - 1));
                rgb[i + 1] = (byte) (30 + 200 * y / (h - 1));
                rgb[i + 2] = (byte) ((x * 7 + y * 3) % 256);
            }
        }
        return new RgbImage(w, h, rgb, null);
    }

    public static RgbImage uniform(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[3 * i] = (byte) r;
            rgb[3 * i + 1] = (byte) g;
            rgb[3 * i + 2] = (byte) b;
        }
        return new RgbImage(w, h, rgb, null);
    }

    /** Left part (x &lt; split) one colour, the rest another. */
    public static RgbImage split(int w, int h, int split, int left, int right) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = x < split ? left : right;
                int i = 3 * (y * w + x);
                rgb[i] = (byte) (c >> 16);
                rgb[i + 1] = (byte) (c >> 8);
                rgb[i + 2] = (byte) c;
            }
        }
        return new RgbImage(w, h, rgb, null);
    }

    /** A white-on-black mask image of the given {0,1} mask. */
    public static RgbImage maskImage(float[] mask, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            byte v = (byte) (mask[i] > 0.5f ? 255 : 0);
            rgb[3 * i] = v;
            rgb[3 * i + 1] = v;
            rgb[3 * i + 2] = v;
        }
        return new RgbImage(w, h, rgb, null);
    }

    /** An L-shaped mask, deliberately not aligned to 8-pixel patches: a vertical bar and a foot to the right. */
    public static float[] lMask(int w, int h) {
        float[] m = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean bar = x >= 12 && x < 36 && y >= 6 && y < 52;
                boolean foot = x >= 12 && x < 76 && y >= 36 && y < 52;
                m[y * w + x] = (bar || foot) ? 1f : 0f;
            }
        }
        return m;
    }

    /** SigLIP value of a uniform 8-bit colour, (u/255 − 0.5)/0.5 in float32 (docs/pipeline.md#siglip-preprocessing). */
    public static float siglip(int u8) {
        float v = (float) (u8 * (1 / 255.0));
        return (v - 0.5f) / 0.5f;
    }

    /** diffusers' 8-bit conversion, written independently: round-half-even(clamp(x/2 + 1/2) · 255). */
    public static int toU8(double x) {
        double v = Math.min(1, Math.max(0, x * 0.5 + 0.5)) * 255;
        return (int) Math.rint(v);
    }

    /** Chw [-1,1] of an image: u/127.5 − 1. */
    public static float[] chw(RgbImage img) {
        int n = img.width() * img.height();
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                out[c * n + i] = (float) ((img.rgb()[3 * i + c] & 0xFF) / 127.5 - 1);
            }
        }
        return out;
    }

    /** Crops a CHW float image. */
    public static float[] crop(float[] img, int w, int h, int x0, int y0, int cw, int ch) {
        float[] out = new float[3 * cw * ch];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < ch; y++) {
                for (int x = 0; x < cw; x++) {
                    out[(c * ch + y) * cw + x] = img[(c * h + y + y0) * w + x + x0];
                }
            }
        }
        return out;
    }

    /** Every output pixel within ±1 of the expected float image after diffusers' 8-bit rounding. */
    public static void assertPixels(float[] expectedChw, RgbImage actual, String what) {
        int n = actual.width() * actual.height();
        int worst = 0;
        int where = -1;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                int d = Math.abs(toU8(expectedChw[c * n + i]) - (actual.rgb()[3 * i + c] & 0xFF));
                if (d > worst) {
                    worst = d;
                    where = i;
                }
            }
        }
        if (worst > 1) {
            throw new AssertionError(what + ": pixel (" + (where % actual.width()) + "," + (where / actual.width())
                    + ") off by " + worst);
        }
    }

    public static void assertColour(RgbImage img, int x, int y, int[] rgb, int tol) {
        int[] got = {img.r(x, y), img.g(x, y), img.b(x, y)};
        for (int c = 0; c < 3; c++) {
            if (Math.abs(got[c] - rgb[c]) > tol) {
                throw new AssertionError("pixel (" + x + "," + y + ") = " + java.util.Arrays.toString(got)
                        + ", expected " + java.util.Arrays.toString(rgb));
            }
        }
    }
}
