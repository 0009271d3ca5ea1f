package dev.stylize.pipeline;

import java.util.Arrays;
import java.util.List;

/**
 * Operations on Redux image tokens that control how much of the reference leaks into the result
 * (docs/pipeline.md#redux-strength-controls). Tokens are {@code (count, width)} row-major, width 4096 after the
 * projector (1152 before it); a full set is the 27×27 SigLIP patch grid, row-major, 729 tokens.
 *
 * <p>The community recipes are compositions of these steps, for example ComfyUI
 * {@code StyleModelApply multiply}: {@code appendToText(text, scale(R, s))}; AdvancedRefluxControl
 * with a mask: {@code keep(downsample(R·mask, k), downsampleMask(patchMask(m), k))} then
 * {@code scale(·, weight²)}; diffusers {@code FluxPriorReduxPipeline} with K references: {@code sum}
 * of the per-reference {@code scale(appendToText(T5, R_k), prompt_embeds_scale[k])} sequences (the text
 * part included, {@code referenceBlend sum_conditioning}); ComfyUI chained nodes: {@code concat}. The
 * blends themselves are {@link ReferenceConditioning}'s.
 */
public final class ReduxTokens {
    /** SigLIP so400m/14 at 384 px: 27 patches per side. */
    public static final int GRID = 27;

    private ReduxTokens() {}

    /**
     * Multiplies every value by s (ComfyUI {@code multiply} strength, AdvancedRefluxControl
     * {@code weight²}; on a whole [T5 | Redux] sequence, diffusers {@code prompt_embeds_scale}).
     *
     * @return a new array of the same shape, or {@code tokens} itself when s is 1 (x·1 = x exactly; no
     *         caller writes into these arrays, and a conditioning sequence is tens of MB)
     */
    public static float[] scale(float[] tokens, float s) {
        Shapes.require(tokens != null, "tokens must not be null");
        if (s == 1f) {
            return tokens;
        }
        float[] scaled = new float[tokens.length];
        for (int k = 0; k < tokens.length; k++) {
            scaled[k] = tokens[k] * s;
        }
        return scaled;
    }

    /**
     * Area (adaptive-average) downsampling of the 27×27 grid to n×n, n = floor(27/k): output
     * bin i averages grid rows (and, independently, columns) {@code [floor(i·27/n), ceil((i+1)·27/n))}.
     * k = 2 → 13×13 = 169 tokens (overlapping 3-wide bins starting at 2i), k = 3 → 9×9 = 81 exact 3×3
     * means. Sums are taken in double.
     *
     * <p>Only {@code area} is implemented, and n is floor(27/k) as in AdvancedRefluxControl's
     * {@code StyleModelApplySimple}; its {@code ReduxAdvanced} node sizes with Python {@code round(27/f)}
     * instead (f = 2 → 14) and offers bicubic etc., which this method does not reproduce.
     *
     * @param tokens (729, width)
     * @param k factor 1..27; 1 returns a copy
     * @return new (n·n, width)
     */
    public static float[] downsample(float[] tokens, int width, int k) {
        Shapes.positive(width, "width");
        Shapes.length(tokens, (long) GRID * GRID * width, "tokens");
        int n = downsampledSide(k);
        float[] out = new float[n * n * width];
        double[] sum = new double[width];
        for (int bi = 0; bi < n; bi++) {
            for (int bj = 0; bj < n; bj++) {
                Arrays.fill(sum, 0.0);
                int count = 0;
                for (int r = binStart(bi, n); r < binEnd(bi, n); r++) {
                    for (int c = binStart(bj, n); c < binEnd(bj, n); c++) {
                        int src = (r * GRID + c) * width;
                        for (int d = 0; d < width; d++) {
                            sum[d] += tokens[src + d];
                        }
                        count++;
                    }
                }
                int dst = (bi * n + bj) * width;
                for (int d = 0; d < width; d++) {
                    out[dst + d] = (float) (sum[d] / count);
                }
            }
        }
        return out;
    }

    /**
     * Token mask of a 384×384 pixel mask: max-pooling with patch×patch kernels and
     * stride, so a token is on when any pixel (value &gt; 0) of its patch is on. With 14-px patches
     * the grid covers pixels 0..377 (27·14 = 378) and the last 6 rows/columns are ignored, as in SigLIP.
     *
     * @param mask384 (size, size), values ≥ 0
     * @return new boolean[(size/patch)²], row-major
     */
    public static boolean[] patchMask(float[] mask384, int size, int patch) {
        Shapes.positive(patch, "patch");
        Shapes.require(size >= patch, "size " + size + " is smaller than patch " + patch);
        Shapes.length(mask384, (long) size * size, "mask384");
        int grid = size / patch;
        boolean[] on = new boolean[grid * grid];
        for (int y = 0; y < grid * patch; y++) {
            for (int x = 0; x < grid * patch; x++) {
                if (mask384[y * size + x] > 0) {
                    on[(y / patch) * grid + x / patch] = true;
                }
            }
        }
        return on;
    }

    /**
     * Downsamples a 27×27 token mask with the bins of {@link #downsample}: a downsampled token is kept
     * when any token of its bin is on (area resize of a non-negative mask, then &gt; 0).
     *
     * @param grid27 boolean[729]
     * @return new boolean[n·n], n = floor(27/k)
     */
    public static boolean[] downsampleMask(boolean[] grid27, int k) {
        Shapes.require(grid27 != null && grid27.length == GRID * GRID,
                "grid27 must have " + GRID * GRID + " flags");
        int n = downsampledSide(k);
        boolean[] out = new boolean[n * n];
        for (int bi = 0; bi < n; bi++) {
            for (int bj = 0; bj < n; bj++) {
                boolean any = false;
                for (int r = binStart(bi, n); r < binEnd(bi, n) && !any; r++) {
                    for (int c = binStart(bj, n); c < binEnd(bj, n) && !any; c++) {
                        any = grid27[r * GRID + c];
                    }
                }
                out[bi * n + bj] = any;
            }
        }
        return out;
    }

    /**
     * Keeps the tokens whose flag is true, in order; the sequence gets shorter.
     *
     * @param tokens (keep.length, width)
     * @return new (number of true flags, width)
     */
    public static float[] keep(float[] tokens, int width, boolean[] keep) {
        Shapes.positive(width, "width");
        Shapes.require(keep != null, "keep must not be null");
        Shapes.length(tokens, (long) keep.length * width, "tokens");
        int kept = 0;
        for (boolean flag : keep) {
            kept += flag ? 1 : 0;
        }
        float[] out = new float[kept * width];
        int dst = 0;
        for (int t = 0; t < keep.length; t++) {
            if (keep[t]) {
                System.arraycopy(tokens, t * width, out, dst, width);
                dst += width;
            }
        }
        return out;
    }

    /**
     * Appends the sequences one after the other (ComfyUI chained {@code StyleModelApply}).
     *
     * @param perReference (count_k, width) each, same width
     * @return new (Σ count_k, width); the one sequence itself when there is one
     */
    public static float[] concat(List<float[]> perReference) {
        Shapes.require(perReference != null, "perReference must not be null");
        if (perReference.size() == 1 && perReference.get(0) != null) {
            return perReference.get(0);
        }
        int total = 0;
        for (float[] sequence : perReference) {
            Shapes.require(sequence != null, "perReference must not contain null");
            total += sequence.length;
        }
        float[] out = new float[total];
        int dst = 0;
        for (float[] sequence : perReference) {
            System.arraycopy(sequence, 0, out, dst, sequence.length);
            dst += sequence.length;
        }
        return out;
    }

    /**
     * Element-wise sum of equally shaped arrays, in float32, in list order: of the Redux tokens alone
     * ({@code referenceBlend sum}), or of whole per-reference sequences and pooled vectors (diffusers'
     * {@code Σ_k S_k}, {@code referenceBlend sum_conditioning}).
     *
     * @param perReference at least one (count, width) array, all the same length
     * @return new (count, width); the one array itself when there is one
     */
    public static float[] sum(List<float[]> perReference, int width) {
        Shapes.positive(width, "width");
        Shapes.require(perReference != null && !perReference.isEmpty(), "perReference must not be empty");
        float[] first = perReference.get(0);
        Shapes.require(first != null && first.length % width == 0,
                "perReference[0] must hold whole rows of width " + width);
        if (perReference.size() == 1) {
            return first;
        }
        float[] out = first.clone();
        for (int r = 1; r < perReference.size(); r++) {
            float[] sequence = perReference.get(r);
            Shapes.length(sequence, out.length, "perReference[" + r + "]");
            for (int k = 0; k < out.length; k++) {
                out[k] += sequence[k];
            }
        }
        return out;
    }

    /**
     * The conditioning sequence: text rows first, then the Redux rows ({@code concat_seq(T5, R)} → e.g.
     * (512 + 729, 4096) = (1241, 4096)). Both must have the same width.
     *
     * @return new (L_txt + count, width)
     */
    public static float[] appendToText(float[] text, float[] redux) {
        return appendToText(text, redux, 1f);
    }

    /**
     * {@code appendToText(text, scale(redux, s))} in one new array, the Redux rows multiplied as they are
     * copied: the same floats without a second copy of the tokens.
     *
     * @return new (L_txt + count, width)
     */
    public static float[] appendToText(float[] text, float[] redux, float s) {
        Shapes.require(text != null, "text must not be null");
        Shapes.require(redux != null, "redux must not be null");
        float[] out = Arrays.copyOf(text, text.length + redux.length);
        if (s == 1f) {
            System.arraycopy(redux, 0, out, text.length, redux.length);
        } else {
            for (int k = 0; k < redux.length; k++) {
                out[text.length + k] = redux[k] * s;
            }
        }
        return out;
    }

    /** n = floor(27/k), for k in 1..27. */
    static int downsampledSide(int k) {
        Shapes.require(k >= 1 && k <= GRID, "k must be in 1.." + GRID + ", got " + k);
        return GRID / k;
    }

    /** First grid row/column of area bin i out of n: floor(i·27/n). */
    static int binStart(int i, int n) {
        return i * GRID / n;
    }

    /** One past the last grid row/column of area bin i out of n: ceil((i+1)·27/n). */
    static int binEnd(int i, int n) {
        return ((i + 1) * GRID + n - 1) / n;
    }
}
