package dev.stylize.analytic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.onnxruntime.platform.Fp16Conversions;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.pipeline.EncoderCache;
import dev.stylize.pipeline.PipelineLimits;
import dev.stylize.pipeline.ProgressListener;
import dev.stylize.pipeline.Recorder;
import dev.stylize.pipeline.Reference;
import dev.stylize.pipeline.StylizePipeline;
import dev.stylize.pipeline.StylizeRequest;
import dev.stylize.pipeline.TestImages;
import dev.stylize.pipeline.TestModels;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.Component.T5Roles;
import dev.stylize.runtime.HostTensor;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.RuntimeConfig;
import dev.stylize.runtime.TensorDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A T5 whose text_embeddings are bfloat16, as {@code export_flux.py --t5-precision bf16} writes it for the
 * GPU: the worker reads the output as float32 (each value the bfloat16 of the float32 one) and a job runs
 * through it. The analytic T5 computes in float32 and casts at its boundary, the one bfloat16 kernel ONNX
 * Runtime's CPU provider has.
 */
class Bfloat16T5Test {
    static final String PROMPT = "a red cat in the forest";

    @TempDir
    static Path tmp;
    static Path bf16;

    @BeforeAll
    static void bf16Set() throws Exception {
        // The full set's generator, then its T5 replaced.
        bf16 = tmp.resolve("bf16");
        AnalyticModels.write(bf16, AnalyticModels.Options.defaults().withDevTransformer(false));
        Files.write(bf16.resolve("t5/model.onnx"), TextGraphs.t5(OnnxGraphBuilder.BFLOAT16).toByteArray());
    }

    static ModelSet load(Path dir, Recorder rec) {
        // The replaced graph no longer matches the manifest's sha256.
        return ModelSet.load(dir, RuntimeConfig.cpu().withVerifyChecksums(false), rec);
    }

    static ModelSession.Output t5(ModelSet set) {
        ModelSession t5 = set.session(Component.T5);
        long[] ids = set.tokenizer(Component.T5, 512).encode(PROMPT);
        try (RunControl control = new RunControl(); HostTensor in = t5.inputIds(T5Roles.INPUT_IDS, ids, 1, 512)) {
            return t5.runOutputs(Map.of(T5Roles.INPUT_IDS, in), control).get(T5Roles.TEXT_EMBEDDINGS);
        }
    }

    static float bf16(float v) {
        return Fp16Conversions.bf16ToFloat(Fp16Conversions.floatToBf16(v));
    }

    @Test
    void outputIsReadAsFloat32() {
        ModelSession.Output f32;
        ModelSession.Output b16;
        try (ModelSet set = load(TestModels.full(), null)) {
            f32 = t5(set);
        }
        try (ModelSet set = load(bf16, null)) {
            b16 = t5(set);
        }
        assertEquals(TensorDtype.BFLOAT16, b16.dtype());
        assertArrayEquals(new long[] {1, 512, 4096}, b16.shape());
        float[] expected = f32.values().clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] = bf16(expected[i]);
        }
        assertArrayEquals(expected, b16.values());
        assertFalse(Arrays.equals(f32.values(), b16.values()), "bfloat16 rounds the table's values");
    }

    /** The transformer gets the bfloat16-rounded text rows; the analytic transformer reads only Redux rows. */
    @Test
    void jobRunsThroughIt() {
        float[] f32Text;
        RgbImage f32Image;
        Recorder rec = new Recorder();
        try (ModelSet set = load(TestModels.full(), rec)) {
            f32Image = run(set);
            f32Text = rec.last(Component.FILL_TRANSFORMER).inputs().get("encoder_hidden_states");
        }
        Recorder rec16 = new Recorder();
        RgbImage b16Image;
        float[] b16Text;
        try (ModelSet set = load(bf16, rec16)) {
            b16Image = run(set);
            b16Text = rec16.last(Component.FILL_TRANSFORMER).inputs().get("encoder_hidden_states");
        }
        int textValues = 512 * 4096;
        for (int i = 0; i < textValues; i++) {
            assertEquals(bf16(f32Text[i]), b16Text[i], "text value " + i);
        }
        assertArrayEquals(Arrays.copyOfRange(f32Text, textValues, f32Text.length),
                Arrays.copyOfRange(b16Text, textValues, b16Text.length), "Redux rows");
        assertEquals(f32Image, b16Image);
    }

    static RgbImage run(ModelSet set) {
        RgbImage a = TestImages.uniform(32, 32, 200, 40, 90);
        RgbImage b = TestImages.gradient(48, 32);
        try (RunControl control = new RunControl()) {
            StylizeRequest job = new StylizeRequest("bf16", List.of(new Reference(a)), b, null, PROMPT,
                    ParamResolver.resolve(Mode.COMPOSITE, new JobParams(2, null, 3L, null, null, null, null, null,
                            null, null, null), set.has(Component.DEV_TRANSFORMER), 3L));
            return new StylizePipeline(set, PipelineLimits.DEFAULT, EncoderCache.DISABLED)
                    .run(job, control, ProgressListener.NONE).image();
        }
    }
}
