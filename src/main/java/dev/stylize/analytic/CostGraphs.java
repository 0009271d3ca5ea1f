package dev.stylize.analytic;

import static dev.stylize.analytic.OnnxGraphBuilder.attr;

import ai.onnx.proto.OnnxMl;
import dev.stylize.runtime.ModelManifest;
import java.util.List;
import java.util.Locale;

/**
 * The burned graph of a cost-profile component: its cheap analytic graph plus MatMuls whose FLOPs
 * follow the component's modelled cost at run time (sizes from the input shapes), added with weight
 * 0, so the outputs are bit-identical to the cheap graph's (docs/cost-model.md).
 *
 * <pre>
 *   u   = Σ_terms Π dims, n = items                (ModelManifest.Cost, from the input shapes)
 *   X   = s/W·1[⌈n·u·ρ⌉ × W], J = 1/W·1[W × W], L = Σ(X·J·…·J)              (R MatMuls)
 *   Q   = s/A·1[n × ⌈u·α⌉ × A], K = 1/A·1[n × A × ⌈u·α⌉], Q' = Σ((Q·K)·Q)   (attention-like)
 *   out = out · (1 + 0·(L + Q'))
 * </pre>
 * s ∈ [0.5, 1] comes from the first input value, so nothing folds at load time and no value is
 * ever denormal (slow) or non-finite: entries stay s/W and ≤ ⌈u·α⌉/A², so the factor is exactly 1
 * and {@code x·1} keeps every output bit, −0 and NaN included.
 */
final class CostGraphs {
    /** Width of the linear burn's matrices: wide enough for the CPU GEMM's full rate. */
    static final int WIDTH = 256;
    /** Rows of the linear burn at the reference workload; more work is more MatMuls, not more memory. */
    static final int MAX_REFERENCE_ROWS = 16384;
    /** Inner width of the attention-like burn (FLOPs 4·r²·A for r rows). */
    static final int ATTENTION_WIDTH = 512;

    private CostGraphs() {}

    /**
     * How much to burn: ⌈n·u·rowsPerUnit⌉ rows through {@code repeats} MatMuls of width WIDTH, and
     * ⌈u·attentionRowsPerUnit⌉ rows per item through the attention-like pair (0: none).
     */
    record Burn(double rowsPerUnit, int repeats, double attentionRowsPerUnit) {

        /** FLOPs of a run over n items of u units each (ceilings as in the graph). */
        double flops(long n, double u) {
            double rows = Math.ceil(n * u * rowsPerUnit);
            double attentionRows = Math.ceil(u * attentionRowsPerUnit);
            return 2.0 * rows * WIDTH * WIDTH * repeats + n * 4.0 * attentionRows * attentionRows * ATTENTION_WIDTH;
        }
    }

    /** The burn of {@code cost} (modelled ms) at {@link CostModel#BURN_FLOPS}, shaped for its reference units. */
    static Burn burn(ModelManifest.Cost cost, double referenceUnits) {
        double flopsPerMs = CostModel.BURN_FLOPS / 1000;
        double linearPerUnit = cost.msPerUnit() * flopsPerMs;
        double rowFlops = 2.0 * WIDTH * WIDTH;
        int repeats = (int) Math.max(1, Math.ceil(linearPerUnit * referenceUnits / rowFlops / MAX_REFERENCE_ROWS));
        double attentionRows = Math.sqrt(cost.msPerUnitSquared() * flopsPerMs / (4.0 * ATTENTION_WIDTH));
        return new Burn(linearPerUnit / (rowFlops * repeats), repeats, attentionRows);
    }

    /**
     * {@code cheap} with the burn of {@code cost} attached to every output (see the class comment).
     * The cost's roles are the graph's input names: analytic graphs use the canonical role names.
     */
    static OnnxMl.ModelProto burned(OnnxMl.ModelProto cheap, ModelManifest.Cost cost, Burn burn) {
        OnnxGraphBuilder g = new OnnxGraphBuilder(cheap, "cost_");
        String n = dim(g, cost.itemsDim());
        String u = null;
        for (List<ModelManifest.Cost.Dim> term : cost.unitTerms()) {
            String product = null;
            for (ModelManifest.Cost.Dim d : term) {
                product = product == null ? dim(g, d) : g.mul(product, dim(g, d));
            }
            u = u == null ? product : g.add(u, product);
        }
        String s = seed(g, cost.itemsDim().role());

        // Linear part: a chain of (rows × W)·(W × W) MatMuls.
        String rows = rowCount(g, g.mul(n, u), burn.rowsPerUnit());
        String x = g.mul(g.filled(g.concat(0, rows, g.int64s(WIDTH)), 1f / WIDTH), s);
        String j = g.filled(g.int64s(WIDTH, WIDTH), 1f / WIDTH);
        for (int r = 0; r < burn.repeats(); r++) {
            x = g.op("MatMul", x, j);
        }
        String total = g.reduceSumAll(x);

        // Attention-like part: (r × A)·(A × r), then (r × r)·(r × A), per item: FLOPs ∝ u².
        if (burn.attentionRowsPerUnit() > 0) {
            String r = rowCount(g, u, burn.attentionRowsPerUnit());
            String items = g.cast(g.reshape(n, g.int64s(1)), OnnxGraphBuilder.INT64);
            String q = g.mul(g.filled(g.concat(0, items, r, g.int64s(ATTENTION_WIDTH)), 1f / ATTENTION_WIDTH), s);
            String k = g.filled(g.concat(0, items, g.int64s(ATTENTION_WIDTH), r), 1f / ATTENTION_WIDTH);
            total = g.add(total, g.reduceSumAll(g.op("MatMul", g.op("MatMul", q, k), q)));
        }
        g.multiplyOutputs(g.add(g.scalar(1f), g.mul(total, g.scalar(0f))));
        return g.build(cheap.getGraph().getDocString() + String.format(Locale.ROOT, " Cost profile: outputs times"
                + " (1 + 0*burn); burn = %d MatMuls (ceil(n*u*%.6g) x %d)(%d x %d) and, per item, (r x %d)(%d x r)"
                + " then (r x r)(r x %d) with r = ceil(u*%.6g); modelled ms = n*(%.6g*u + %.6g*u^2), n = %s,"
                + " u = %s (docs/cost-model.md).", burn.repeats(), burn.rowsPerUnit(), WIDTH, WIDTH, WIDTH,
                ATTENTION_WIDTH, ATTENTION_WIDTH, ATTENTION_WIDTH, burn.attentionRowsPerUnit(), cost.msPerUnit(),
                cost.msPerUnitSquared(), cost.items(), String.join(" + ", cost.units())));
    }

    /** One input dimension, as a float64 scalar. */
    private static String dim(OnnxGraphBuilder g, ModelManifest.Cost.Dim d) {
        String size = g.op("Gather", List.of(g.op("Shape", d.role()), g.int64Scalar(d.axis())), attr("axis", 0L));
        return g.cast(size, OnnxGraphBuilder.DOUBLE);
    }

    /** ⌈value·perUnit⌉ as an int64 vector of one element (a shape entry). */
    private static String rowCount(OnnxGraphBuilder g, String value, double perUnit) {
        String rows = g.op("Ceil", g.mul(value, g.doubleScalar(perUnit)));
        return g.reshape(g.cast(rows, OnnxGraphBuilder.INT64), g.int64s(1));
    }

    /**
     * s = 0.5 + 0.5·sigmoid(v), v the first element of the input (0 if NaN): a run-time value, so
     * ONNX Runtime cannot fold the burn away, and within [0.5, 1] for any input.
     */
    private static String seed(OnnxGraphBuilder g, String input) {
        String first = g.cast(g.slice(g.reshape(input, g.int64s(-1)), 0, 0, 1), OnnxGraphBuilder.FLOAT);
        String finite = g.op("Where", g.op("IsNaN", first), g.scalar(0f), first);
        String half = g.scalar(0.5f);
        return g.reshape(g.add(half, g.mul(half, g.op("Sigmoid", finite))), g.int64s());
    }
}
