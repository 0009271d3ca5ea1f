package dev.stylize.analytic;

import static dev.stylize.analytic.Fixtures.H;
import static dev.stylize.analytic.Fixtures.LH;
import static dev.stylize.analytic.Fixtures.LW;
import static dev.stylize.analytic.Fixtures.N;
import static dev.stylize.analytic.Fixtures.W;
import static dev.stylize.analytic.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import dev.stylize.analytic.ReferencePacking.Layout;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FLOAT16_MIXED: float16 at the boundaries (ids and guidance float32), same values within fp16 tolerance. */
class Float16ModelsTest {

    @TempDir
    static Path dir;
    static ModelManifest manifest;

    @BeforeAll
    static void writeModels() throws Exception {
        manifest = AnalyticModels.write(dir, AnalyticModels.Options.float16());
    }

    @Test
    void idAndBoundaryTypes() throws Exception {
        assertEquals("analytic-f16", manifest.id());
        Map<Component, List<String>> float16 = Map.of(
                Component.VAE_ENCODER, List.of("images", "latent"),
                Component.VAE_DECODER, List.of("latent", "images"),
                Component.SIGLIP, List.of("pixel_values", "last_hidden_state"),
                Component.REDUX, List.of("siglip_embeds", "image_embeds"),
                Component.T5, List.of("text_embeddings"),
                Component.CLIP, List.of("text_embeddings", "pooled_embeddings"),
                Component.FILL_TRANSFORMER, List.of("hidden_states", "encoder_hidden_states",
                        "pooled_projections", "timestep", "latent"),
                Component.DEV_TRANSFORMER, List.of("hidden_states", "encoder_hidden_states",
                        "pooled_projections", "timestep", "latent"));
        for (Map.Entry<Component, List<String>> e : float16.entrySet()) {
            try (OrtGraph g = OrtGraph.open(dir, e.getKey())) {
                for (String name : e.getValue()) {
                    OnnxJavaType type = g.inputInfo().containsKey(name) ? g.inputType(name) : g.outputType(name);
                    assertEquals(OnnxJavaType.FLOAT16, type, e.getKey() + " " + name);
                }
            }
        }
        for (Component transformer : List.of(Component.FILL_TRANSFORMER, Component.DEV_TRANSFORMER)) {
            try (OrtGraph g = OrtGraph.open(dir, transformer)) {
                for (String name : List.of("img_ids", "txt_ids", "guidance")) {
                    assertEquals(OnnxJavaType.FLOAT, g.inputType(name), transformer + " " + name);
                }
            }
        }
        try (OrtGraph g = OrtGraph.open(dir, Component.T5)) {
            assertEquals(OnnxJavaType.INT32, g.inputType("input_ids"));
        }
    }

    @Test
    void vaeWithinTolerance() throws Exception {
        float[] canvas = Fixtures.gradientCanvas();
        try (OrtGraph encoder = OrtGraph.open(dir, Component.VAE_ENCODER);
             OrtGraph decoder = OrtGraph.open(dir, Component.VAE_DECODER)) {
            float[] latent = encoder.put("images", canvas, 1, 3, H, W).run().get("latent");
            assertTrue(maxAbsDiff(AnalyticOracle.vaeEncode(canvas, H, W), latent) < 4e-3);
            float[] img = decoder.put("latent", latent, 1, 16, LH, LW).run().get("images");
            assertTrue(maxAbsDiff(AnalyticOracle.blockMeans4(canvas, H, W), img) < 1e-2);
        }
    }

    @Test
    void siglipAndReduxWithinTolerance() throws Exception {
        float[] pixels = Fixtures.siglipPicture();
        try (OrtGraph siglip = OrtGraph.open(dir, Component.SIGLIP);
             OrtGraph redux = OrtGraph.open(dir, Component.REDUX)) {
            float[] hidden = siglip.put("pixel_values", pixels, 1, 3, 384, 384).run().get("last_hidden_state");
            float[] embeds = redux.put("siglip_embeds", hidden, 1, 729, 1152).run().get("image_embeds");
            float[] expected = AnalyticOracle.reduxTokens(pixels);
            for (int t = 0; t < 729; t++) {
                for (int ch = 0; ch < 8; ch++) {
                    float e = ch < 6 ? expected[6 * t + ch] : 0f;
                    assertEquals(e, embeds[t * 4096 + ch], 2e-3, "token " + t + " channel " + ch);
                }
            }
        }
    }

    @Test
    void textEncodersWithinTolerance() throws Exception {
        int[] ids = new int[77];
        for (int s = 0; s < ids.length; s++) {
            ids[s] = s % AnalyticModels.vocabularySize();
        }
        try (OrtGraph clip = OrtGraph.open(dir, Component.CLIP)) {
            Map<String, float[]> out = clip.put("input_ids", ids, 1, 77).run();
            assertTrue(maxAbsDiff(AnalyticOracle.textEmbeddings(ids, 768), out.get("text_embeddings")) < 1e-3);
            assertTrue(maxAbsDiff(AnalyticOracle.clipPooled(ids), out.get("pooled_embeddings")) < 1e-3);
        }
    }

    @Test
    void fillVelocityWithinTolerance() throws Exception {
        float[] x = Fixtures.gaussian(16 * LH * LW, 3);
        float[] mask = Fixtures.lShapedMask();
        float[] zc = AnalyticOracle.normalize(AnalyticOracle.vaeEncode(Fixtures.gradientCanvas(), H, W));
        int rows = 512 + 8;
        float[] text = TransformerInputs.encoderHiddenStates(rows, 4);
        float sigma = 0.7f;
        float[] hs = ReferencePacking.fillHiddenStates(ReferencePacking.packLatent(x, 16, LH, LW),
                ReferencePacking.packLatent(zc, 16, LH, LW), ReferencePacking.packMask(mask, H, W, Layout.SPEC), N);
        try (OrtGraph fill = OrtGraph.open(dir, Component.FILL_TRANSFORMER)) {
            float[] out = TransformerInputs.withCommonInputs(fill.put("hidden_states", hs, 1, N, 384),
                    text, rows, sigma, ReferencePacking.imgIds(LH, LW)).run().get("latent");
            float[] expected = AnalyticOracle.velocity(x, AnalyticOracle.fillTarget(zc, mask,
                    AnalyticOracle.referenceColour(text, rows), H, W), sigma, LH, LW);
            float diff = maxAbsDiff(expected, ReferencePacking.unpackLatent(out, 16, LH, LW));
            assertTrue(diff < 2e-2, "max diff " + diff);
        }
    }
}
