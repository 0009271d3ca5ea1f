package dev.stylize.analytic;

import static dev.stylize.analytic.OnnxGraphBuilder.attr;
import static dev.stylize.analytic.OnnxGraphBuilder.ints;

import ai.onnx.proto.OnnxMl;
import dev.stylize.runtime.Component.ReduxRoles;
import dev.stylize.runtime.Component.SiglipRoles;
import java.util.List;

/**
 * The analytic Redux branch: a "SigLIP" that reports each 14×14 cell's colour and grid position,
 * and a projector that copies those into fixed T5-width channels plus a Redux flag.
 *
 * <p>Positions make a transposed grid or a wrong token order visible downstream; the projector is
 * built from Slice/Concat/Pad (no dense 1152×4096 weight) so the files stay tiny.
 */
final class ReduxGraphs {

    static final int GRID = 27;
    static final int TOKENS = GRID * GRID;
    static final int SIGLIP_SIZE = 384;
    static final int PATCH = 14;
    static final int SIGLIP_WIDTH = 1152;
    static final int REDUX_WIDTH = 4096;

    private ReduxGraphs() {}

    /** pixel_values (B,3,384,384) → last_hidden_state (B,729,1152): [r, g, b, row/26, col/26, 0…]. */
    static OnnxMl.ModelProto siglip(boolean float16Io) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("analytic_siglip", float16Io);
        String pixels = g.floatInput(SiglipRoles.PIXEL_VALUES, "batch", 3, SIGLIP_SIZE, SIGLIP_SIZE);
        // Valid pooling like the real patch conv: 27 cells, the last 6 rows/columns are never seen.
        String cells = g.op("AveragePool", List.of(pixels),
                ints("kernel_shape", PATCH, PATCH), ints("strides", PATCH, PATCH));
        String batchDim = g.slice(g.op("Shape", cells), 0, 0, 1);
        String positions = g.op("Expand", g.floats(positionGrid(), 1, 2, GRID, GRID),
                g.concat(0, batchDim, g.int64s(2, GRID, GRID)));
        String features = g.concat(1, cells, positions);
        String tokens = g.transpose(g.reshape(features, g.int64s(0, 5, TOKENS)), 0, 2, 1);
        String padded = pad(g, tokens, SIGLIP_WIDTH - 5);
        g.floatOutput(SiglipRoles.LAST_HIDDEN_STATE, padded, "batch", TOKENS, SIGLIP_WIDTH);
        return g.build("Analytic SigLIP: token t = 27*row + col of the 14x14 average-pooled grid; "
                + "channels [r, g, b, row/26, col/26], zeros up to 1152.");
    }

    /** siglip_embeds (B,729,1152) → image_embeds (B,729,4096): [r, g, b, row/26, col/26, 1, 0…]. */
    static OnnxMl.ModelProto redux(boolean float16Io) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("analytic_redux", float16Io);
        String embeds = g.floatInput(ReduxRoles.SIGLIP_EMBEDS, "batch", TOKENS, SIGLIP_WIDTH);
        String five = g.slice(embeds, 2, 0, 5);
        String flag = g.onesLike(g.slice(embeds, 2, 0, 1));
        String padded = pad(g, g.concat(2, five, flag), REDUX_WIDTH - 6);
        g.floatOutput(ReduxRoles.IMAGE_EMBEDS, padded, "batch", TOKENS, REDUX_WIDTH);
        return g.build("Analytic Redux projector: channels 0..4 copied from SigLIP, channel 5 = 1 "
                + "(Redux token flag), zeros elsewhere.");
    }

    /** Zero-pads the last axis of a rank-3 value by {@code extra} channels. */
    private static String pad(OnnxGraphBuilder g, String x, long extra) {
        return g.op("Pad", List.of(x, g.int64s(0, 0, 0, 0, 0, extra), g.scalar(0f)), attr("mode", "constant"));
    }

    /** (2, 27, 27): channel 0 = row/26, channel 1 = col/26. */
    private static float[] positionGrid() {
        float[] grid = new float[2 * TOKENS];
        for (int row = 0; row < GRID; row++) {
            for (int col = 0; col < GRID; col++) {
                grid[row * GRID + col] = row / 26f;
                grid[TOKENS + row * GRID + col] = col / 26f;
            }
        }
        return grid;
    }
}
