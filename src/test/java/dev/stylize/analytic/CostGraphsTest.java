package dev.stylize.analytic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelDirectory;
import dev.stylize.runtime.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production-costs profile: the same values as the analytic set, bit for bit, and burned
 * compute that follows each component's driver at run time (MatMul shapes read from ONNX
 * Runtime's profiler, so the check does not depend on this machine's speed).
 */
class CostGraphsTest {
    @TempDir
    static Path root;
    static Path cheap;
    static Path costs;
    static Path costsF16;
    static Path cheapF16;

    @BeforeAll
    static void generate() throws IOException {
        cheap = root.resolve("cheap");
        costs = root.resolve("costs");
        cheapF16 = root.resolve("cheap-f16");
        costsF16 = root.resolve("costs-f16");
        AnalyticModels.write(cheap, AnalyticModels.Options.defaults());
        AnalyticModels.write(costs, AnalyticModels.Options.productionCostProfile());
        AnalyticModels.write(cheapF16, AnalyticModels.Options.float16());
        AnalyticModels.write(costsF16, AnalyticModels.Options.float16().withProductionCosts(true));
    }

    private static Path graph(Path dir, Component c, String file) {
        return dir.resolve(c.key()).resolve(file);
    }

    @Test
    void cheapGraphsAreTheAnalyticGraphsAndTheManifestCarriesTheCosts() throws IOException {
        ModelManifest m = ModelDirectory.open(costs, true).manifest();
        for (Component c : Component.values()) {
            assertArrayEquals(Files.readAllBytes(graph(cheap, c, "model.onnx")),
                    Files.readAllBytes(graph(costs, c, "model.cheap.onnx")), c.key());
            ModelManifest.ComponentSpec spec = m.components().get(c.key());
            CostModel.Stage stage = CostModel.stage(c);
            assertEquals(stage.device().provider, spec.provider(), c.key());
            assertEquals(c.key() + "/model.cheap.onnx", spec.cost().cheapFile());
            assertEquals(stage.modelledMs(), spec.cost().ms(1, stage.referenceUnits()), 1e-9 * stage.modelledMs());
        }
        assertEquals("cuda", m.components().get("fill_transformer").provider());
        assertEquals("cpu", m.components().get("t5").provider());
        assertEquals(null, ModelDirectory.open(cheap, true).manifest().components().get("fill_transformer").cost());
    }

    @Test
    void burnedOutputsAreBitIdenticalToTheCheapOnes() throws OrtException {
        for (Path[] pair : new Path[][] {{cheap, costs}, {cheapF16, costsF16}}) {
            for (Component c : Component.values()) {
                Map<String, float[]> expected;
                Map<String, float[]> actual;
                try (OrtGraph g = new OrtGraph(graph(pair[0], c, "model.onnx"))) {
                    expected = inputs(g, c, 6).run();
                }
                try (OrtGraph g = new OrtGraph(graph(pair[1], c, "model.onnx"))) {
                    actual = inputs(g, c, 6).run();
                }
                assertEquals(expected.keySet(), actual.keySet());
                for (String out : expected.keySet()) {
                    assertArrayEquals(bits(expected.get(out)), bits(actual.get(out)),
                            c.key() + " " + out + " " + pair[1]);
                }
            }
        }
    }

    /** NaN first (the burn's seed) and in the data, −0 and ±∞ where the graph reads them. */
    @Test
    void nonFiniteAndSignedZeroInputsKeepTheirBits() throws OrtException {
        for (Component c : new Component[] {Component.VAE_ENCODER, Component.REDUX, Component.FILL_TRANSFORMER}) {
            float[][] results = new float[2][];
            Path[] dirs = {cheap, costs};
            for (int i = 0; i < 2; i++) {
                try (OrtGraph g = new OrtGraph(graph(dirs[i], c, "model.onnx"))) {
                    inputs(g, c, 6);
                    String role = c.inputRoles().get(0);
                    float[] data = special(c);
                    results[i] = g.put(role, data, shape(c, 6)).run().values().iterator().next();
                }
            }
            assertArrayEquals(bits(results[0]), bits(results[1]), c.key());
            assertTrue(hasNaN(results[1]), c.key() + ": the NaN input should reach the output");
        }
    }

    /**
     * The MatMuls ONNX Runtime really executes: their FLOPs equal the burn's formula for the run's
     * driver, so they scale with pixels (VAE) and tokens (transformer) as the modelled cost does.
     */
    @Test
    void burnedMatMulsFollowTheDriverAtRunTime() throws Exception {
        record Case(Component component, int scale, double units) {}
        for (Case k : new Case[] {
                new Case(Component.VAE_ENCODER, 6, 48.0 * 32), new Case(Component.VAE_ENCODER, 24, 192.0 * 128),
                new Case(Component.VAE_DECODER, 6, 6.0 * 4), new Case(Component.VAE_DECODER, 24, 24.0 * 16),
                new Case(Component.FILL_TRANSFORMER, 6, 6 + 512 + 4),
                new Case(Component.FILL_TRANSFORMER, 24, 96 + 512 + 729),
                new Case(Component.T5, 6, 512), new Case(Component.CLIP, 6, 77)}) {
            ModelManifest.Cost cost = ModelDirectory.open(costs, false).manifest().components()
                    .get(k.component().key()).cost();
            CostGraphs.Burn burn = CostGraphs.burn(cost, CostModel.stage(k.component()).referenceUnits());
            double flops = profiledMatMulFlops(graph(costs, k.component(), "model.onnx"), k.component(), k.scale());
            assertEquals(burn.flops(1, k.units()), flops, 1e-9 * flops, k.toString());
            assertTrue(flops >= cost.ms(1, k.units()) * CostModel.BURN_FLOPS / 1000, k.toString());
        }
    }

    private static double profiledMatMulFlops(Path file, Component c, int scale) throws Exception {
        Path prefix = root.resolve("profile-" + c.key() + "-" + scale);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.enableProfiling(prefix.toString());
            String profile;
            try (OrtGraph g = new OrtGraph(file, options)) {
                inputs(g, c, scale).run();
                profile = g.session().endProfiling();
            }
            double flops = 0;
            for (JsonNode event : new ObjectMapper().readTree(Path.of(profile).toFile())) {
                JsonNode args = event.path("args");
                boolean kernel = event.path("name").asText().endsWith("_kernel_time");
                if (!kernel || !"MatMul".equals(args.path("op_name").asText())) {
                    continue;
                }
                long[] a = shape(args.path("input_type_shape").get(0));
                long[] out = shape(args.path("output_type_shape").get(0));
                long elements = 1;
                for (long d : out) {
                    elements *= d;
                }
                flops += 2.0 * elements * a[a.length - 1];
            }
            return flops;
        }
    }

    /** {"float":[d0, d1, …]} → dims. */
    private static long[] shape(JsonNode typed) {
        JsonNode dims = typed.elements().next();
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i).asLong();
        }
        return d;
    }

    /**
     * Valid inputs for component c; {@code scale} 6 is the 48×32 canvas of {@link Fixtures} (6
     * tokens, 4 Redux rows), 24 a 192×128 canvas with 729 Redux rows.
     */
    static OrtGraph inputs(OrtGraph g, Component c, int scale) {
        switch (c) {
            case SIGLIP -> g.put("pixel_values", Fixtures.uniform(count(c, scale), -1, 1, 1), shape(c, scale));
            case REDUX -> g.put("siglip_embeds", Fixtures.uniform(count(c, scale), -1, 1, 2), shape(c, scale));
            case T5, CLIP -> {
                long[] s = shape(c, scale);
                int[] ids = new int[(int) s[1]];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = (7 * i) % AnalyticModels.vocabularySize();
                }
                g.put("input_ids", ids, s);
            }
            case VAE_ENCODER -> g.put("images", Fixtures.uniform(count(c, scale), -1, 1, 3), shape(c, scale));
            case VAE_DECODER -> g.put("latent", Fixtures.gaussian(count(c, scale), 4), shape(c, scale));
            case FILL_TRANSFORMER, DEV_TRANSFORMER -> {
                long[] hs = shape(c, scale);
                int lh = scale;
                int lw = 2 * scale / 3;
                int rows = scale == 6 ? 512 + 4 : 512 + 729;
                g.put("hidden_states", Fixtures.gaussian(count(c, scale), 5), hs)
                        .put("encoder_hidden_states", TransformerInputs.encoderHiddenStates(rows, 8), 1, rows, 4096)
                        .put("pooled_projections", Fixtures.uniform(768, -1, 1, 9), 1, 768)
                        .put("timestep", new float[] {0.4f}, 1)
                        .put("img_ids", ReferencePacking.imgIds(lh, lw), hs[1], 3)
                        .put("txt_ids", new float[rows * 3], rows, 3)
                        .put("guidance", new float[] {30f}, 1);
            }
        }
        return g;
    }

    /** Shape of the main input (first role) at a scale: canvas 8·scale × (16/3)·scale pixels. */
    static long[] shape(Component c, int scale) {
        long lh = scale;
        long lw = 2L * scale / 3;
        return switch (c) {
            case SIGLIP -> new long[] {1, 3, 384, 384};
            case REDUX -> new long[] {1, 729, 1152};
            case T5 -> new long[] {1, 512};
            case CLIP -> new long[] {1, 77};
            case VAE_ENCODER -> new long[] {1, 3, 8 * lh, 8 * lw};
            case VAE_DECODER -> new long[] {1, 16, lh, lw};
            case FILL_TRANSFORMER -> new long[] {1, (lh / 2) * (lw / 2), 384};
            case DEV_TRANSFORMER -> new long[] {1, (lh / 2) * (lw / 2), 64};
        };
    }

    /** Elements of the main input at a scale. */
    private static int count(Component c, int scale) {
        long n = 1;
        for (long d : shape(c, scale)) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    private static float[] special(Component c) {
        float[] v = Fixtures.uniform(count(c, 6), -1, 1, 11);
        v[0] = Float.NaN;
        v[1] = -0f;
        v[v.length / 2] = Float.POSITIVE_INFINITY;
        v[v.length / 2 + 1] = Float.NEGATIVE_INFINITY;
        v[v.length - 1] = -0f;
        return v;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static boolean hasNaN(float[] v) {
        for (float f : v) {
            if (Float.isNaN(f)) {
                return true;
            }
        }
        return false;
    }
}
