package dev.stylize.analytic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.ResolvedParams;
import dev.stylize.pipeline.PipelineLimits;
import dev.stylize.pipeline.ProgressListener;
import dev.stylize.pipeline.Reference;
import dev.stylize.pipeline.StylizePipeline;
import dev.stylize.pipeline.StylizeRequest;
import dev.stylize.pipeline.StylizeResult;
import dev.stylize.pipeline.TestImages;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.RuntimeConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole jobs through the production pipeline on the production-costs profile, burned and with
 * the GPU simulated, give the analytic profile's result byte for byte, and every session sees the
 * same inputs bit for bit (so every intermediate output is the same too): the oracle tests of the
 * analytic profile hold for the cost profile.
 */
class CostProfilePipelineTest {
    @TempDir
    static Path root;
    static Path cheap;
    static Path costs;
    static Path cheapImageOnly;
    static Path costsImageOnly;

    @BeforeAll
    static void generate() throws IOException {
        cheap = root.resolve("cheap");
        costs = root.resolve("costs");
        cheapImageOnly = root.resolve("cheap-image-only");
        costsImageOnly = root.resolve("costs-image-only");
        AnalyticModels.write(cheap, AnalyticModels.Options.defaults());
        AnalyticModels.write(costs, AnalyticModels.Options.productionCostProfile());
        // Without T5 (whose burn takes seconds at its fixed 512 tokens) where the test is about the rest.
        AnalyticModels.write(cheapImageOnly, AnalyticModels.Options.defaults().withTextEncoders(false));
        AnalyticModels.write(costsImageOnly, AnalyticModels.Options.productionCostProfile().withTextEncoders(false));
    }

    /** One session.run as the observer saw it: component, then each input's shape and bits. */
    record Call(Component component, String inputs) {}

    record Outcome(RgbImage image, List<Call> calls) {}

    private static Outcome run(Path models, boolean simulateGpu, Mode mode, RgbImage mask, String prompt) {
        List<Call> calls = new ArrayList<>();
        RuntimeConfig config = RuntimeConfig.cpu().withSimulatedGpu(simulateGpu);
        try (ModelSet set = ModelSet.load(models, config, (c, inputs, shapes) -> calls.add(new Call(c,
                describe(inputs, shapes))));
                RunControl control = new RunControl()) {
            ResolvedParams p = ParamResolver.resolve(mode,
                    new JobParams(3, null, 7L, null, null, null, null, null, null, null, null),
                    set.has(Component.DEV_TRANSFORMER), 1234);
            RgbImage reference = TestImages.uniform(64, 48, 200, 40, 90);
            StylizeRequest job = new StylizeRequest("job-1", List.of(new Reference(reference)),
                    TestImages.gradient(80, 48), mask, prompt, p);
            StylizeResult r = new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels())
                    .run(job, control, ProgressListener.NONE);
            return new Outcome(r.image(), calls);
        }
    }

    /** "role[shape]=sha256 of the float bits" per input: equal strings mean bit-identical inputs. */
    private static String describe(Map<String, float[]> inputs, Map<String, long[]> shapes) {
        StringBuilder b = new StringBuilder();
        inputs.forEach((role, values) -> {
            ByteBuffer bits = ByteBuffer.allocate(4 * values.length);
            for (float v : values) {
                bits.putInt(Float.floatToRawIntBits(v));
            }
            b.append(role).append(Arrays.toString(shapes.get(role))).append('=')
                    .append(ManifestWriter.sha256(bits.array())).append(' ');
        });
        return b.toString();
    }

    private static void assertSame(Outcome expected, Outcome actual, String what) {
        // Per component, in call order: a simulated GPU moves SigLIP + Redux after the host's T5 and CLIP.
        assertEquals(byComponent(expected), byComponent(actual), what + ": session inputs");
        assertEquals(expected.image().width(), actual.image().width(), what);
        assertEquals(expected.image().height(), actual.image().height(), what);
        assertArrayEquals(expected.image().rgb(), actual.image().rgb(), what + ": result bytes");
    }

    private static Map<Component, List<Object>> byComponent(Outcome o) {
        Map<Component, List<Object>> m = new java.util.EnumMap<>(Component.class);
        o.calls().forEach(c -> m.computeIfAbsent(c.component(), k -> new java.util.ArrayList<>()).add(c));
        return m;
    }

    @Test
    void compositeWithPromptIsByteIdenticalBurnedAndSimulated() {
        String prompt = String.join(" ", AnalyticModels.vocabulary().subList(0, 5));
        RgbImage mask = TestImages.maskImage(TestImages.lMask(80, 48), 80, 48);
        Outcome expected = run(cheap, false, Mode.COMPOSITE, mask, prompt);
        Set<Component> used = EnumSet.noneOf(Component.class);
        expected.calls().forEach(c -> used.add(c.component()));
        assertEquals(EnumSet.of(Component.T5, Component.CLIP, Component.SIGLIP, Component.REDUX,
                Component.VAE_ENCODER, Component.FILL_TRANSFORMER, Component.VAE_DECODER), used);
        assertSame(expected, run(costs, false, Mode.COMPOSITE, mask, prompt), "burned");
        assertSame(expected, run(costs, true, Mode.COMPOSITE, mask, prompt), "simulated GPU");
    }

    @Test
    void restyleOnTheDevTransformerIsByteIdentical() {
        Outcome expected = run(cheapImageOnly, false, Mode.RESTYLE, null, null);
        assertTrue(expected.calls().stream().anyMatch(c -> c.component() == Component.DEV_TRANSFORMER));
        assertSame(expected, run(costsImageOnly, false, Mode.RESTYLE, null, null), "burned");
        assertSame(expected, run(costsImageOnly, true, Mode.RESTYLE, null, null), "simulated GPU");
    }
}
