package dev.stylize.analytic;

import static dev.stylize.analytic.OnnxGraphBuilder.attr;
import static dev.stylize.analytic.OnnxGraphBuilder.ints;

import ai.onnx.proto.OnnxMl;
import dev.stylize.runtime.Component.ClipRoles;
import dev.stylize.runtime.Component.T5Roles;
import java.util.List;

/**
 * Analytic T5 and CLIP stand-ins: embedding lookups from a table with the closed form of
 * {@link AnalyticModels#textEmbedding(int, int)}, so every token id gives a distinct, non-zero row
 * that is exactly 0 in the Redux colour/position/flag channels 0..5.
 */
final class TextGraphs {

    static final int T5_LENGTH = 512;
    static final int T5_WIDTH = 4096;
    static final int CLIP_LENGTH = 77;
    static final int CLIP_WIDTH = 768;

    private TextGraphs() {}

    /** input_ids (B,512) int32 → text_embeddings (B,512,4096). */
    static OnnxMl.ModelProto t5(boolean float16Io) {
        return t5(float16Io ? OnnxGraphBuilder.FLOAT16 : OnnxGraphBuilder.FLOAT);
    }

    /** {@link #t5(boolean)} with text_embeddings of any boundary type (bfloat16: a GPU T5 export's). */
    static OnnxMl.ModelProto t5(int boundaryType) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("analytic_t5", boundaryType);
        String ids = g.input(T5Roles.INPUT_IDS, OnnxGraphBuilder.INT32, "batch", T5_LENGTH);
        String rows = g.op("Gather", List.of(table(g, T5_WIDTH), ids), attr("axis", 0L));
        g.floatOutput(T5Roles.TEXT_EMBEDDINGS, rows, "batch", T5_LENGTH, T5_WIDTH);
        return g.build("Analytic T5: text_embeddings[b,s,:] = table[input_ids[b,s]]; "
                + "table[v][ch] = 0 for ch<6 else 0.01*(v+1) + 0.0001*ch.");
    }

    /** input_ids (B,77) int32 → text_embeddings (B,77,768), pooled_embeddings (B,768) = row mean. */
    static OnnxMl.ModelProto clip(boolean float16Io) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("analytic_clip", float16Io);
        String ids = g.input(ClipRoles.INPUT_IDS, OnnxGraphBuilder.INT32, "batch", CLIP_LENGTH);
        String rows = g.op("Gather", List.of(table(g, CLIP_WIDTH), ids), attr("axis", 0L));
        String pooled = g.op("ReduceMean", List.of(rows), ints("axes", 1), attr("keepdims", 0L));
        g.floatOutput(ClipRoles.TEXT_EMBEDDINGS, rows, "batch", CLIP_LENGTH, CLIP_WIDTH);
        g.floatOutput(ClipRoles.POOLED_EMBEDDINGS, pooled, "batch", CLIP_WIDTH);
        return g.build("Analytic CLIP: text_embeddings = table[input_ids], pooled_embeddings = mean over "
                + "the 77 rows; table[v][ch] = 0 for ch<6 else 0.01*(v+1) + 0.0001*ch.");
    }

    private static String table(OnnxGraphBuilder g, int width) {
        int vocab = TextVocabulary.size();
        float[] values = new float[vocab * width];
        for (int v = 0; v < vocab; v++) {
            for (int ch = 0; ch < width; ch++) {
                values[v * width + ch] = AnalyticModels.textEmbedding(v, ch);
            }
        }
        return g.floats(values, vocab, width);
    }
}
