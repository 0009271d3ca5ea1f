package dev.stylize.analytic;

import static dev.stylize.analytic.OnnxGraphBuilder.attr;
import static dev.stylize.analytic.OnnxGraphBuilder.tensorAttr;

import ai.onnx.proto.OnnxMl;
import dev.stylize.runtime.Component.TransformerRoles;
import java.util.List;

/**
 * Analytic Fill and dev transformers: a velocity field that flows every latent straight to a
 * closed-form target T, so the Euler loop ends exactly at T (σ = 0) whatever the schedule, except on
 * the κ-probe channel whose end value records the whole σ sequence.
 *
 * <pre>
 *   c     = mean of encoder_hidden_states[:, R:, 0:3]   (R = 512; c = 0 when L ≤ R)
 *   T_m,k = (a_k·c[k mod 3] + b_k − SHIFT)·SCALE          k = 0..14 (normalized latent of colour c)
 *   Fill: T_k = (1 − f)·zc_k + f·T_m,k   f = masked fraction of the 8×8 patch
 *   dev:  T_k = T_m,k
 *   T_15  = δ·(3Y + X)                                    position probe
 *   v_k   = (x_k − T_k)/σ  for k ≠ 14,   v_14 = κ·(x_14 − T_14)
 * </pre>
 * Inputs the formula does not need (pooled_projections, txt_ids, guidance) are consumed as
 * 0·Σ(input) so that ORT keeps them and non-finite values still show.
 */
final class TransformerGraphs {

    private static final int TEXT_WIDTH = 4096;
    private static final int POOLED_WIDTH = 768;
    private static final int LATENT_TOKEN_WIDTH = 64;
    private static final int FILL_WIDTH = 384;

    private TransformerGraphs() {}

    /** Extra run-time compute added with weight 0; size 0 means none. */
    record SlowCompute(int size, int repeats) {
        boolean enabled() {
            return size > 0 && repeats > 0;
        }
    }

    static OnnxMl.ModelProto fill(boolean float16Io, SlowCompute slow) {
        return build("analytic_fill_transformer", FILL_WIDTH, float16Io, slow);
    }

    static OnnxMl.ModelProto dev(boolean float16Io, SlowCompute slow) {
        return build("analytic_dev_transformer", LATENT_TOKEN_WIDTH, float16Io, slow);
    }

    private static OnnxMl.ModelProto build(String name, int inWidth, boolean float16Io, SlowCompute slow) {
        OnnxGraphBuilder g = new OnnxGraphBuilder(name, float16Io);
        String hidden = g.floatInput(TransformerRoles.HIDDEN_STATES, "batch", "latent_dim", inWidth);
        String text = g.floatInput(TransformerRoles.ENCODER_HIDDEN_STATES, "batch", "text_len", TEXT_WIDTH);
        String pooled = g.floatInput(TransformerRoles.POOLED_PROJECTIONS, "batch", POOLED_WIDTH);
        String sigma = g.floatInput(TransformerRoles.TIMESTEP, "batch");
        // Ids and guidance stay float32 in real exports, whatever the model precision.
        String imgIds = g.input(TransformerRoles.IMG_IDS, OnnxGraphBuilder.FLOAT, "latent_dim", 3);
        String txtIds = g.input(TransformerRoles.TXT_IDS, OnnxGraphBuilder.FLOAT, "text_len", 3);
        String guidance = g.input(TransformerRoles.GUIDANCE, OnnxGraphBuilder.FLOAT, "batch");

        TokenGrid grid = new TokenGrid(g, imgIds);
        String x = grid.unpack(g.slice(hidden, 2, 0, 64), AnalyticModels.LATENT_CHANNELS);
        String referenceTarget = referenceTarget(g, text);
        String blended = referenceTarget;
        if (inWidth == FILL_WIDTH) {
            String maskedImage = grid.unpack(g.slice(hidden, 2, 64, 128), AnalyticModels.LATENT_CHANNELS);
            String mask64 = grid.unpack(g.slice(hidden, 2, 128, 384), 64);
            String fraction = g.reduceMean(mask64, 1); // (B,1,h,w): masked share of each 8×8 patch
            blended = g.add(g.mul(g.sub(g.scalar(1f), fraction), maskedImage), g.mul(fraction, referenceTarget));
        }
        String target = g.op("Where", channelIs(g, AnalyticModels.PROBE_CHANNEL),
                grid.positionProbe(AnalyticModels.DELTA), blended);

        String diff = g.sub(x, target);
        String perSigma = g.div(diff, g.reshape(sigma, g.int64s(-1, 1, 1, 1)));
        String kappa = g.mul(diff, g.scalar(AnalyticModels.KAPPA));
        String velocity = g.op("Where", channelIs(g, AnalyticModels.KAPPA_CHANNEL), kappa, perSigma);

        String zero = g.add(g.add(g.reduceSumAll(pooled), g.reduceSumAll(txtIds)), g.reduceSumAll(guidance));
        if (slow.enabled()) {
            zero = g.add(zero, slowChain(g, sigma, slow));
        }
        String out = g.add(grid.pack(velocity, AnalyticModels.LATENT_CHANNELS), g.mul(zero, g.scalar(0f)));
        g.floatOutput(TransformerRoles.LATENT, out, "batch", "latent_dim", LATENT_TOKEN_WIDTH);
        return g.build("Analytic " + (inWidth == FILL_WIDTH ? "Fill" : "dev") + " transformer: "
                + "v = (x - T)/sigma (channel 14: kappa*(x - T)), T closed-form; see docs/analytic-models.md."
                + (slow.enabled() ? " Slow variant: " + slow.repeats() + " MatMuls of " + slow.size()
                        + "x" + slow.size() + " added with weight 0." : ""));
    }

    /**
     * T_m (B,16,1,1): the normalized latent of a flat image of the reference colour c. c averages
     * colour channels 0..2 of the rows after the first {@link AnalyticModels#TEXT_ROWS} (the Redux
     * tokens); with no such rows the count is clamped to 1 so c = 0 instead of NaN.
     */
    private static String referenceTarget(OnnxGraphBuilder g, String text) {
        String colours = g.slice(g.slice(text, 2, 0, 3), 1, AnalyticModels.TEXT_ROWS, Long.MAX_VALUE);
        String sum = g.reduceSum(colours, 1); // (B,1,3)
        String rowCount = g.cast(g.slice(g.op("Shape", colours), 0, 1, 2), OnnxGraphBuilder.FLOAT);
        String colour = g.div(sum, g.op("Max", rowCount, g.scalar(1f)));

        long[] colourOfChannel = new long[AnalyticModels.LATENT_CHANNELS];
        float[] scale = new float[AnalyticModels.LATENT_CHANNELS];
        float[] offset = new float[AnalyticModels.LATENT_CHANNELS];
        for (int k = 0; k < AnalyticModels.LATENT_CHANNELS; k++) {
            colourOfChannel[k] = k % 3; // quadrant channels 3q+col and patch channels 12+col alike
            scale[k] = AnalyticModels.vaeA(k);
            offset[k] = AnalyticModels.vaeB(k) - AnalyticModels.SHIFT;
        }
        String perChannel = g.op("Gather", List.of(colour, g.int64s(colourOfChannel)), attr("axis", 2L));
        String raw = g.add(g.mul(g.reshape(perChannel, g.int64s(-1, 16, 1, 1)),
                g.floats(scale, 1, 16, 1, 1)), g.floats(offset, 1, 16, 1, 1));
        return g.mul(raw, g.scalar(AnalyticModels.SCALE));
    }

    /** Boolean (1,16,1,1), true only on {@code channel}. */
    private static String channelIs(OnnxGraphBuilder g, int channel) {
        boolean[] flags = new boolean[AnalyticModels.LATENT_CHANNELS];
        flags[channel] = true;
        return g.bools(flags, 1, AnalyticModels.LATENT_CHANNELS, 1, 1);
    }

    /**
     * Σ of (s·J/S)^(repeats+1) with J the S×S all-ones matrix and s = sigmoid(mean σ) ∈ (0,1): a
     * chain of real MatMuls that depends on the run-time timestep (no constant folding) and stays
     * finite for any σ, so multiplying it by 0 adds exactly 0.
     */
    private static String slowChain(OnnxGraphBuilder g, String sigma, SlowCompute slow) {
        OnnxMl.TensorProto fill = OnnxMl.TensorProto.newBuilder().setDataType(OnnxGraphBuilder.FLOAT)
                .addDims(1).addFloatData(1f / slow.size()).build();
        String base = g.op("ConstantOfShape", List.of(g.int64s(slow.size(), slow.size())),
                tensorAttr("value", fill));
        String s = g.op("Sigmoid", g.op("ReduceMean", List.of(sigma), attr("keepdims", 0L)));
        String matrix = g.mul(base, s);
        String product = matrix;
        for (int r = 0; r < slow.repeats(); r++) {
            product = g.op("MatMul", product, matrix);
        }
        return g.reduceSumAll(product);
    }
}
