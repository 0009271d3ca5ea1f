package dev.stylize.analytic;

import static dev.stylize.analytic.AnalyticModels.DELTA;
import static dev.stylize.analytic.AnalyticModels.KAPPA;
import static dev.stylize.analytic.AnalyticModels.SCALE;
import static dev.stylize.analytic.AnalyticModels.SHIFT;
import static dev.stylize.analytic.AnalyticModels.vaeA;
import static dev.stylize.analytic.AnalyticModels.vaeB;

/**
 * Closed-form predictions of the analytic models, written as plain loops straight from
 * docs/analytic-models.md. It never calls production packing or graph code (only the documented
 * constants of {@link AnalyticModels}), so it is an independent check of both the graphs and, in
 * pipeline tests, of the pipeline's routing.
 *
 * <p>Layouts: images CHW ({@code [c·H·W + y·W + x]}), latents canonical
 * ({@code [k·h·w + y·w + x]}, h = H/8, w = W/8), masks H×W row-major, token tensors row-major
 * (N rows). "Raw" latents are what the VAE graphs take/produce; "normalized" ones are
 * SCALE·(raw − SHIFT), what the transformer sees.
 */
public final class AnalyticOracle {

    public static final int CHANNELS = 16;
    public static final int SIGLIP_SIZE = 384;
    public static final int SIGLIP_GRID = 27;
    public static final int SIGLIP_TOKENS = 729;

    private AnalyticOracle() {}

    // ---- VAE ---------------------------------------------------------------------------------

    /** Raw (un-normalized) latent (16,h,w) of a CHW image in [-1,1]: the posterior mean z_k = a_k·u_k + b_k. */
    public static float[] vaeEncode(float[] img, int height, int width) {
        double[] u = vaePreAffine(img, height, width);
        int hw = (height / 8) * (width / 8);
        float[] z = new float[u.length];
        for (int k = 0; k < CHANNELS; k++) {
            for (int i = 0; i < hw; i++) {
                z[k * hw + i] = (float) (vaeA(k) * u[k * hw + i] + vaeB(k));
            }
        }
        return z;
    }

    /** Raw posterior log-variance (16,h,w) of a CHW image: logvar_k = u_k + l_k (encoder output {@code logvar}). */
    public static float[] vaeLogvar(float[] img, int height, int width) {
        double[] u = vaePreAffine(img, height, width);
        int hw = (height / 8) * (width / 8);
        float[] lv = new float[u.length];
        for (int k = 0; k < CHANNELS; k++) {
            for (int i = 0; i < hw; i++) {
                lv[k * hw + i] = (float) (u[k * hw + i] + AnalyticModels.vaeLogvarOffset(k));
            }
        }
        return lv;
    }

    /** u_k (16,h,w): 4×4 quadrant colours (k = 3q + col), 8×8 patch colours (12 + col), 1 (k = 15). */
    private static double[] vaePreAffine(float[] img, int height, int width) {
        int h = height / 8;
        int w = width / 8;
        double[] out = new double[CHANNELS * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double[] u = new double[CHANNELS];
                for (int qy = 0; qy < 2; qy++) {
                    for (int qx = 0; qx < 2; qx++) {
                        for (int col = 0; col < 3; col++) {
                            u[3 * (2 * qy + qx) + col] =
                                    blockMean(img, height, width, col, 8 * y + 4 * qy, 8 * x + 4 * qx, 4);
                        }
                    }
                }
                for (int col = 0; col < 3; col++) {
                    u[12 + col] = blockMean(img, height, width, col, 8 * y, 8 * x, 8);
                }
                u[15] = 1;
                for (int k = 0; k < CHANNELS; k++) {
                    out[(k * h + y) * w + x] = u[k];
                }
            }
        }
        return out;
    }

    /** CHW image (3,8h,8w) of a raw latent: each pixel is the inverse affine of its quadrant channel. */
    public static float[] vaeDecode(float[] latent, int h, int w) {
        int height = 8 * h;
        int width = 8 * w;
        float[] img = new float[3 * height * width];
        for (int col = 0; col < 3; col++) {
            for (int py = 0; py < height; py++) {
                for (int px = 0; px < width; px++) {
                    int q = 2 * ((py % 8) / 4) + (px % 8) / 4;
                    int k = 3 * q + col;
                    double z = latent[(k * h + py / 8) * w + px / 8];
                    img[(col * height + py) * width + px] = (float) ((z - vaeB(k)) / vaeA(k));
                }
            }
        }
        return img;
    }

    /** The image with each 4×4 block replaced by its mean: decode(encode(img)). */
    public static float[] blockMeans4(float[] img, int height, int width) {
        float[] out = new float[img.length];
        for (int col = 0; col < 3; col++) {
            for (int py = 0; py < height; py++) {
                for (int px = 0; px < width; px++) {
                    out[(col * height + py) * width + px] =
                            (float) blockMean(img, height, width, col, py / 4 * 4, px / 4 * 4, 4);
                }
            }
        }
        return out;
    }

    /** SCALE·(raw − SHIFT), element-wise. */
    public static float[] normalize(float[] raw) {
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = (float) (SCALE * ((double) raw[i] - SHIFT));
        }
        return out;
    }

    /** raw = z/SCALE + SHIFT, element-wise. */
    public static float[] denormalize(float[] normalized) {
        float[] out = new float[normalized.length];
        for (int i = 0; i < normalized.length; i++) {
            out[i] = (float) (normalized[i] / (double) SCALE + SHIFT);
        }
        return out;
    }

    // ---- SigLIP / Redux ----------------------------------------------------------------------

    /** (729,5) row-major: token t = 27·row + col → [r, g, b, row/26, col/26] of the 14×14 cell. */
    public static float[] siglipTokens(float[] pixels) {
        float[] out = new float[SIGLIP_TOKENS * 5];
        for (int row = 0; row < SIGLIP_GRID; row++) {
            for (int col = 0; col < SIGLIP_GRID; col++) {
                int t = SIGLIP_GRID * row + col;
                for (int c = 0; c < 3; c++) {
                    out[5 * t + c] = (float) blockMean(pixels, SIGLIP_SIZE, SIGLIP_SIZE, c, 14 * row, 14 * col, 14);
                }
                out[5 * t + 3] = row / 26f;
                out[5 * t + 4] = col / 26f;
            }
        }
        return out;
    }

    /** (729,6) row-major: the non-zero channels of Redux image_embeds = SigLIP's five plus flag 1. */
    public static float[] reduxTokens(float[] pixels) {
        float[] five = siglipTokens(pixels);
        float[] out = new float[SIGLIP_TOKENS * 6];
        for (int t = 0; t < SIGLIP_TOKENS; t++) {
            System.arraycopy(five, 5 * t, out, 6 * t, 5);
            out[6 * t + 5] = 1f;
        }
        return out;
    }

    /** Mean over the 729 cells' colours: the reference colour one Redux image contributes. */
    public static float[] siglipMeanColour(float[] pixels) {
        float[] tokens = siglipTokens(pixels);
        float[] c = new float[3];
        for (int col = 0; col < 3; col++) {
            double sum = 0;
            for (int t = 0; t < SIGLIP_TOKENS; t++) {
                sum += tokens[5 * t + col];
            }
            c[col] = (float) (sum / SIGLIP_TOKENS);
        }
        return c;
    }

    // ---- text --------------------------------------------------------------------------------

    /** Embedding table row value: 0 for channel &lt; 6, else 0.01·(id+1) + 0.0001·channel. */
    public static float textEmbedding(int tokenId, int channel) {
        return channel < 6 ? 0f : (float) (0.01 * (tokenId + 1) + 0.0001 * channel);
    }

    /** (ids.length, width) row-major lookup. */
    public static float[] textEmbeddings(int[] ids, int width) {
        float[] out = new float[ids.length * width];
        for (int s = 0; s < ids.length; s++) {
            for (int ch = 0; ch < width; ch++) {
                out[s * width + ch] = textEmbedding(ids[s], ch);
            }
        }
        return out;
    }

    /** CLIP pooled (768): mean over the rows of the lookup. */
    public static float[] clipPooled(int[] ids) {
        float[] out = new float[768];
        for (int ch = 0; ch < 768; ch++) {
            double sum = 0;
            for (int id : ids) {
                sum += textEmbedding(id, ch);
            }
            out[ch] = (float) (sum / ids.length);
        }
        return out;
    }

    // ---- transformer -------------------------------------------------------------------------

    /** Mean of channels 0..2 over rows 512..L−1 of encoder_hidden_states (L,4096); 0 if L ≤ 512. */
    public static float[] referenceColour(float[] encoderHiddenStates, int rows) {
        float[] c = new float[3];
        int count = rows - AnalyticModels.TEXT_ROWS;
        for (int col = 0; col < 3 && count > 0; col++) {
            double sum = 0;
            for (int r = AnalyticModels.TEXT_ROWS; r < rows; r++) {
                sum += encoderHiddenStates[r * 4096 + col];
            }
            c[col] = (float) (sum / count);
        }
        return c;
    }

    /** Normalized latent of a flat image of colour c on channel k &lt; 15: (a_k·c[k mod 3] + b_k − SHIFT)·SCALE. */
    public static float referenceTarget(int k, float[] colour) {
        return (float) ((vaeA(k) * (double) colour[k % 3] + vaeB(k) - SHIFT) * SCALE);
    }

    /** Target of the position probe channel 15 at canonical latent row Y, column X: δ·(3Y + X). */
    public static float expectedProbe15(int row, int col) {
        return (float) (DELTA * (3.0 * row + col));
    }

    /** (h,w): fraction of masked pixels in each 8×8 patch. */
    public static float[] maskFraction(float[] mask, int height, int width) {
        int h = height / 8;
        int w = width / 8;
        float[] f = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sum = 0;
                for (int dy = 0; dy < 8; dy++) {
                    for (int dx = 0; dx < 8; dx++) {
                        sum += mask[(8 * y + dy) * width + 8 * x + dx];
                    }
                }
                f[y * w + x] = (float) (sum / 64);
            }
        }
        return f;
    }

    /**
     * Fill target T (16,h,w), normalized: channels 0..14 (1 − f)·zc + f·T_m, channel 15 the probe.
     *
     * @param maskedLatent normalized latent of the masked image (the transformer's zc)
     */
    public static float[] fillTarget(float[] maskedLatent, float[] mask, float[] colour, int height, int width) {
        int h = height / 8;
        int w = width / 8;
        float[] f = maskFraction(mask, height, width);
        float[] t = new float[CHANNELS * h * w];
        for (int k = 0; k < CHANNELS; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (k * h + y) * w + x;
                    double fr = f[y * w + x];
                    t[i] = k == AnalyticModels.PROBE_CHANNEL ? expectedProbe15(y, x)
                            : (float) ((1 - fr) * maskedLatent[i] + fr * referenceTarget(k, colour));
                }
            }
        }
        return t;
    }

    /** dev target T (16,h,w): T_m on channels 0..14, probe on 15. */
    public static float[] devTarget(float[] colour, int h, int w) {
        float[] t = new float[CHANNELS * h * w];
        for (int k = 0; k < CHANNELS; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    t[(k * h + y) * w + x] = k == AnalyticModels.PROBE_CHANNEL ? expectedProbe15(y, x)
                            : referenceTarget(k, colour);
                }
            }
        }
        return t;
    }

    /** Canonical velocity (16,h,w): (x − T)/σ, on channel 14 κ·(x − T). */
    public static float[] velocity(float[] x, float[] target, float sigma, int h, int w) {
        float[] v = new float[x.length];
        for (int k = 0; k < CHANNELS; k++) {
            for (int i = k * h * w; i < (k + 1) * h * w; i++) {
                double d = (double) x[i] - target[i];
                v[i] = (float) (k == AnalyticModels.KAPPA_CHANNEL ? KAPPA * d : d / sigma);
            }
        }
        return v;
    }

    /**
     * κ-probe end value after Euler steps k0..n−1 over {@code sigmas} (σ_n = 0 last):
     * T + (xStart − T)·Π_k (1 + κ·(σ_{k+1} − σ_k)).
     */
    public static double expectedKappaProbe(double xStart, double target, float[] sigmas, int k0) {
        double factor = 1;
        for (int k = k0; k + 1 < sigmas.length; k++) {
            factor *= 1 + KAPPA * ((double) sigmas[k + 1] - sigmas[k]);
        }
        return target + (xStart - target) * factor;
    }

    /**
     * Decoded Fill result (CHW, H×W) for a canvas in [-1,1], a binary H×W mask (1 = generate) and
     * reference colour c: per pixel (1 − f)·(4×4-block mean of canvas·(1 − mask)) + f·c, f the mask
     * fraction of the pixel's 8×8 patch.
     */
    public static float[] expectedFillOutputPixels(float[] canvas, float[] mask, float[] colour,
                                                   int height, int width) {
        float[] masked = new float[canvas.length];
        for (int col = 0; col < 3; col++) {
            for (int p = 0; p < height * width; p++) {
                masked[col * height * width + p] = canvas[col * height * width + p] * (1 - mask[p]);
            }
        }
        float[] blocks = blockMeans4(masked, height, width);
        float[] f = maskFraction(mask, height, width);
        float[] out = new float[canvas.length];
        for (int col = 0; col < 3; col++) {
            for (int py = 0; py < height; py++) {
                for (int px = 0; px < width; px++) {
                    int i = (col * height + py) * width + px;
                    double fr = f[(py / 8) * (width / 8) + px / 8];
                    out[i] = (float) ((1 - fr) * blocks[i] + fr * colour[col]);
                }
            }
        }
        return out;
    }

    private static double blockMean(float[] img, int height, int width, int col, int y0, int x0, int size) {
        double sum = 0;
        for (int y = y0; y < y0 + size; y++) {
            for (int x = x0; x < x0 + size; x++) {
                sum += img[(col * height + y) * width + x];
            }
        }
        return sum / (size * size);
    }
}
