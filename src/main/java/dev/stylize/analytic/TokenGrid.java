package dev.stylize.analytic;

import static dev.stylize.analytic.OnnxGraphBuilder.attr;
import static dev.stylize.analytic.OnnxGraphBuilder.ints;

import java.util.List;

/**
 * The token grid of one transformer call, derived in-graph from {@code img_ids}: h/2 = max(row id)+1,
 * w/2 = max(column id)+1. Gives the latent packing (docs/pipeline.md#latent-packing) as graph ops,
 * so the analytic transformer works on canonical (B,C,h,w) latents like the formula in the docs, and
 * a pipeline that packs differently gets a different answer.
 *
 * <p>Packing: {@code tok[i·(w/2)+j, 4c+2dy+dx] = lat[c, 2i+dy, 2j+dx]}.
 */
final class TokenGrid {

    private final OnnxGraphBuilder g;
    private final String imgIds;
    private final String rows;     // h/2, int64 (1,)
    private final String cols;     // w/2, int64 (1,)

    TokenGrid(OnnxGraphBuilder g, String imgIds) {
        this.g = g;
        this.imgIds = imgIds;
        this.rows = gridSize(1);
        this.cols = gridSize(2);
    }

    /** max(img_ids[:, axis]) + 1 as int64 (1,). */
    private String gridSize(long axis) {
        String max = g.op("ReduceMax", List.of(idColumn(axis)), ints("axes", 0), attr("keepdims", 1L));
        return g.cast(g.add(max, g.scalar(1f)), OnnxGraphBuilder.INT64);
    }

    /** img_ids[:, axis] as (N,). */
    private String idColumn(long axis) {
        return g.op("Gather", List.of(imgIds, g.int64Scalar(axis)), attr("axis", 1L));
    }

    private String doubled(String size) {
        return g.mul(size, g.int64s(2));
    }

    /** (B, N, 4C) tokens → (B, C, h, w) canonical latents (inverse of the latent packing). */
    String unpack(String tokens, long channels) {
        String grid = g.reshape(tokens, g.concat(0, g.int64s(-1), rows, cols, g.int64s(channels, 2, 2)));
        String canonical = g.transpose(grid, 0, 3, 1, 4, 2, 5); // (B, C, h/2, dy, w/2, dx)
        return g.reshape(canonical, g.concat(0, g.int64s(-1, channels), doubled(rows), doubled(cols)));
    }

    /** (B, C, h, w) canonical latents → (B, N, 4C) tokens (docs/pipeline.md#latent-packing). */
    String pack(String latents, long channels) {
        String split = g.reshape(latents,
                g.concat(0, g.int64s(-1, channels), rows, g.int64s(2), cols, g.int64s(2)));
        String tokenMajor = g.transpose(split, 0, 2, 4, 1, 3, 5); // (B, h/2, w/2, C, dy, dx)
        return g.reshape(tokenMajor, g.int64s(0, -1, 4 * channels));
    }

    /**
     * Position probe (1,1,h,w) = δ·(3·Y + X) at canonical latent row Y, column X, built per token
     * from the ids themselves (Y = 2·row_id + dy, X = 2·col_id + dx), so wrong ids or a wrong token
     * order show up in this channel.
     */
    String positionProbe(float delta) {
        String perToken = g.add(g.mul(idColumn(1), g.scalar(6 * delta)), g.mul(idColumn(2), g.scalar(2 * delta)));
        String subPositions = g.floats(new float[] {0f, delta, 3 * delta, 4 * delta}, 1, 4); // q = 2dy+dx
        String tokens = g.add(g.reshape(perToken, g.int64s(1, -1, 1)), g.reshape(subPositions, g.int64s(1, 1, 4)));
        return unpack(tokens, 1);
    }
}
