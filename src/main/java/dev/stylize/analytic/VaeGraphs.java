package dev.stylize.analytic;

import static dev.stylize.analytic.OnnxGraphBuilder.attr;
import static dev.stylize.analytic.OnnxGraphBuilder.ints;

import ai.onnx.proto.OnnxMl;
import dev.stylize.runtime.Component.VaeDecoderRoles;
import dev.stylize.runtime.Component.VaeEncoderRoles;
import java.util.List;

/**
 * The analytic VAE: an invertible "latent" made of 4×4 block colours, so that decode(encode(x)) is
 * the 4×4-block-mean image and every channel or sub-position mix-up moves colour visibly.
 *
 * <p>Encoder channel order (pre-affine value u_k, k = 0..15):
 * <ul>
 *   <li>k = 3q + col for k &lt; 12: colour {@code col} (0 r, 1 g, 2 b) of the 4×4 quadrant
 *       q = 2·qy + qx of the 8×8 patch. This is exactly ONNX SpaceToDepth's order: it reshapes
 *       (C, H/b, b, W/b, b) and transposes to (by, bx, C, …), i.e. out channel = (by·b + bx)·C + c.
 *   <li>k = 12 + col: mean colour of the whole 8×8 patch.
 *   <li>k = 15: constant 1.
 * </ul>
 * then z_k = a_k·u_k + b_k ({@link AnalyticModels#vaeA(int)}, {@link AnalyticModels#vaeB(int)}), the
 * raw posterior mean, and optionally {@code logvar_k = u_k + l_k} ({@link AnalyticModels#vaeLogvarOffset}),
 * the raw posterior log-variance.
 * The decoder inverts the affine on k &lt; 12 and uses DepthToSpace in DCR mode, which is the exact
 * inverse of SpaceToDepth, then nearest ×4 upsampling.
 */
final class VaeGraphs {

    private VaeGraphs() {}

    /** @param logvar also output {@code logvar} (B,16,h,w) */
    static OnnxMl.ModelProto encoder(boolean float16Io, boolean logvar) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("analytic_vae_encoder", float16Io);
        String images = g.floatInput(VaeEncoderRoles.IMAGES, "batch", 3, "height", "width");
        String blocks = g.op("AveragePool", List.of(images), ints("kernel_shape", 4, 4), ints("strides", 4, 4));
        String quadrants = g.op("SpaceToDepth", List.of(blocks), attr("blocksize", 2L));
        String patch = g.op("AveragePool", List.of(images), ints("kernel_shape", 8, 8), ints("strides", 8, 8));
        String one = g.onesLike(g.slice(patch, 1, 0, 1));
        String u = g.concat(1, quadrants, patch, one);
        String z = g.add(g.mul(u, g.floats(affine(true, 16), 1, 16, 1, 1)),
                g.floats(affine(false, 16), 1, 16, 1, 1));
        g.floatOutput(VaeEncoderRoles.LATENT, z, "batch", 16, "latent_height", "latent_width");
        if (logvar) {
            float[] offsets = new float[16];
            for (int k = 0; k < 16; k++) {
                offsets[k] = AnalyticModels.vaeLogvarOffset(k);
            }
            g.floatOutput(VaeEncoderRoles.LOGVAR, g.add(u, g.floats(offsets, 1, 16, 1, 1)), "batch", 16, "latent_height",
                    "latent_width");
        }
        return g.build("Analytic VAE encoder: z_k = a_k*u_k + b_k, u = [4x4 quadrant colours (3q+col), "
                + "8x8 patch colour, 1]. Posterior mean, un-normalized."
                + (logvar ? " logvar_k = u_k + l_k, l_k = -3 + 0.1k: raw posterior log-variance." : ""));
    }

    static OnnxMl.ModelProto decoder(boolean float16Io) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("analytic_vae_decoder", float16Io);
        String latent = g.floatInput(VaeDecoderRoles.LATENT, "batch", 16, "latent_height", "latent_width");
        String quadrantLatent = g.slice(latent, 1, 0, 12);
        String u = g.div(g.sub(quadrantLatent, g.floats(affine(false, 12), 1, 12, 1, 1)),
                g.floats(affine(true, 12), 1, 12, 1, 1));
        String blocks = g.op("DepthToSpace", List.of(u), attr("blocksize", 2L), attr("mode", "DCR"));
        // asymmetric + floor: output pixel p reads block floor(p/4), i.e. plain replication.
        String images = g.op("Resize", List.of(blocks, "", g.floats(new float[] {1, 1, 4, 4}, 4)),
                attr("mode", "nearest"), attr("coordinate_transformation_mode", "asymmetric"),
                attr("nearest_mode", "floor"));
        g.floatOutput(VaeDecoderRoles.IMAGES, images, "batch", 3, "height", "width");
        return g.build("Analytic VAE decoder: inverse affine on channels 0..11, DepthToSpace(2, DCR), "
                + "nearest x4. Channels 12..15 are ignored. Input un-normalized.");
    }

    /** The first {@code n} a_k (scale) or b_k (offset) values. */
    private static float[] affine(boolean scale, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = scale ? AnalyticModels.vaeA(k) : AnalyticModels.vaeB(k);
        }
        return v;
    }
}
