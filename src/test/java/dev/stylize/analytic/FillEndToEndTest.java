package dev.stylize.analytic;

import static dev.stylize.analytic.Fixtures.H;
import static dev.stylize.analytic.Fixtures.LH;
import static dev.stylize.analytic.Fixtures.LW;
import static dev.stylize.analytic.Fixtures.N;
import static dev.stylize.analytic.Fixtures.W;
import static dev.stylize.analytic.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.ReferencePacking.Layout;
import dev.stylize.runtime.Component;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A minimal Redux + Fill run through all generated graphs (test packer, plain Euler loop), checked
 * against {@link AnalyticOracle#expectedFillOutputPixels}: shows the oracle's pixel prediction is
 * what the graphs produce together, as a pipeline test will rely on.
 */
class FillEndToEndTest {

    static final float[] SIGMAS = {1f, 0.9f, 0.7f, 0.45f, 0.2f, 0f};

    @TempDir
    Path dir;

    @Test
    void decodedFillResultMatchesOraclePixels() throws Exception {
        AnalyticModels.write(dir, AnalyticModels.Options.defaults().withDevTransformer(false));
        float[] canvas = Fixtures.gradientCanvas();
        float[] mask = Fixtures.lShapedMask();
        float[] reference = Fixtures.siglipPicture();

        float[] masked = canvas.clone();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < H * W; p++) {
                masked[c * H * W + p] *= 1 - mask[p];
            }
        }
        float[] imageEmbeds;
        float[] textEmbeds;
        float[] maskedLatent;
        try (OrtGraph encoder = OrtGraph.open(dir, Component.VAE_ENCODER);
             OrtGraph siglip = OrtGraph.open(dir, Component.SIGLIP);
             OrtGraph redux = OrtGraph.open(dir, Component.REDUX);
             OrtGraph t5 = OrtGraph.open(dir, Component.T5)) {
            maskedLatent = AnalyticOracle.normalize(encoder.put("images", masked, 1, 3, H, W).run().get("latent"));
            float[] siglipOut = siglip.put("pixel_values", reference, 1, 3, 384, 384).run().get("last_hidden_state");
            imageEmbeds = redux.put("siglip_embeds", siglipOut, 1, 729, 1152).run().get("image_embeds");
            int[] ids = new int[512];
            ids[0] = AnalyticModels.FIRST_WORD_ID + 5;
            ids[1] = AnalyticModels.T5_EOS_ID;
            textEmbeds = t5.put("input_ids", ids, 1, 512).run().get("text_embeddings");
        }
        int rows = 512 + 729;
        // text first, Redux tokens appended (docs/pipeline.md#conditioning-sequence)
        float[] text = Arrays.copyOf(textEmbeds, rows * 4096);
        System.arraycopy(imageEmbeds, 0, text, 512 * 4096, imageEmbeds.length);

        float[] x = ReferencePacking.packLatent(Fixtures.gaussian(16 * LH * LW, 21), 16, LH, LW);
        float[] condition = ReferencePacking.fillHiddenStates(x,
                ReferencePacking.packLatent(maskedLatent, 16, LH, LW),
                ReferencePacking.packMask(mask, H, W, Layout.SPEC), N);
        try (OrtGraph fill = OrtGraph.open(dir, Component.FILL_TRANSFORMER)) {
            for (int k = 0; k + 1 < SIGMAS.length; k++) {
                float[] hs = condition.clone();
                for (int t = 0; t < N; t++) {
                    System.arraycopy(x, 64 * t, hs, 384 * t, 64);
                }
                float[] v = TransformerInputs.withCommonInputs(fill.put("hidden_states", hs, 1, N, 384),
                        text, rows, SIGMAS[k], ReferencePacking.imgIds(LH, LW)).run().get("latent");
                for (int i = 0; i < x.length; i++) {
                    x[i] += (SIGMAS[k + 1] - SIGMAS[k]) * v[i];
                }
            }
        }
        float[] raw = AnalyticOracle.denormalize(ReferencePacking.unpackLatent(x, 16, LH, LW));
        float[] pixels;
        try (OrtGraph decoder = OrtGraph.open(dir, Component.VAE_DECODER)) {
            pixels = decoder.put("latent", raw, 1, 16, LH, LW).run().get("images");
        }
        float[] expected = AnalyticOracle.expectedFillOutputPixels(canvas, mask,
                AnalyticOracle.siglipMeanColour(reference), H, W);
        assertTrue(maxAbsDiff(expected, pixels) < 1e-4, "max diff " + maxAbsDiff(expected, pixels));
        // and the result really depends on the reference: a grey reference gives other pixels
        float[] grey = AnalyticOracle.expectedFillOutputPixels(canvas, mask, new float[3], H, W);
        assertTrue(maxAbsDiff(grey, pixels) > 1e-2);
    }
}
