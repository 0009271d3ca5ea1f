package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.AnalyticModels;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.Phase;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.RuntimeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Text encoders, precision, seeds, previews, cancellation and typed input errors. */
class PipelineBehaviourTest {
    static final RgbImage REF = TestImages.uniform(48, 48, 200, 40, 90);
    static final RgbImage B = TestImages.gradient(64, 48);

    static JobParams steps(int n) {
        return new JobParams(n, null, 9L, null, null, null, null, null, false, null, null);
    }

    @Test
    void promptGoesThroughT5AndDoesNotChangeTheRedux() {
        PipelineEndToEndTest.Run r = PipelineEndToEndTest.run(TestModels.full(), Mode.COMPOSITE,
                List.of(new Reference(REF)), B, null, "a red cat", steps(2));
        float[] ehs = r.recorder().last(Component.FILL_TRANSFORMER).inputs().get("encoder_hidden_states");
        // The tokenizer's ids for the prompt reached T5, and T5's rows precede the Redux rows.
        float[] ids = r.recorder().last(Component.T5).inputs().get("input_ids");
        assertEquals(512, ids.length);
        for (int row = 0; row < 4; row++) {
            for (int ch = 0; ch < 4096; ch += 97) {
                assertEquals(AnalyticModels.textEmbedding((int) ids[row], ch), ehs[row * 4096 + ch], 1e-6);
            }
        }
        assertNotEquals(0f, ids[0]);
        assertTrue(r.recorder().of(Component.CLIP).size() == 1);
        TestImages.assertColour(r.result().image(), 32, 24, new int[] {200, 40, 90}, 1);
    }

    @Test
    void promptWithoutTextEncoderIsATypedError() {
        StylizeException e = assertThrows(StylizeException.class, () -> PipelineEndToEndTest.run(TestModels.imageOnly(),
                Mode.COMPOSITE, List.of(new Reference(REF)), B, null, "a red cat", steps(2)));
        assertEquals(ErrorCode.PROMPT_WITHOUT_TEXT_ENCODER, e.code());
    }

    @Test
    void float16SetMatchesFloat32() {
        float[] m = TestImages.lMask(64, 48);
        RgbImage mask = TestImages.maskImage(m, 64, 48);
        RgbImage f32 = PipelineEndToEndTest.run(TestModels.imageOnly(), Mode.COMPOSITE, List.of(new Reference(REF)), B,
                mask, null, steps(4)).result().image();
        RgbImage f16 = PipelineEndToEndTest.run(TestModels.float16(), Mode.COMPOSITE, List.of(new Reference(REF)), B,
                mask, null, steps(4)).result().image();
        int worst = 0;
        for (int i = 0; i < f32.rgb().length; i++) {
            worst = Math.max(worst, Math.abs((f32.rgb()[i] & 0xFF) - (f16.rgb()[i] & 0xFF)));
        }
        assertTrue(worst <= 2, "float16 differs from float32 by " + worst + " levels");
    }

    @Test
    void sameSeedSameImageOtherSeedOtherProbe() {
        PipelineEndToEndTest.Run a = PipelineEndToEndTest.run(TestModels.imageOnly(), Mode.COMPOSITE,
                List.of(new Reference(REF)), B, null, null, steps(3));
        PipelineEndToEndTest.Run b = PipelineEndToEndTest.run(TestModels.imageOnly(), Mode.COMPOSITE,
                List.of(new Reference(REF)), B, null, null, steps(3));
        assertArrayEquals(a.result().image().rgb(), b.result().image().rgb());
        assertArrayEquals(a.recorder().last(Component.VAE_DECODER).inputs().get("latent"),
                b.recorder().last(Component.VAE_DECODER).inputs().get("latent"));
        JobParams other = new JobParams(3, null, 10L, null, null, null, null, null, false, null, null);
        PipelineEndToEndTest.Run c = PipelineEndToEndTest.run(TestModels.imageOnly(), Mode.COMPOSITE,
                List.of(new Reference(REF)), B, null, null, other);
        assertTrue(!java.util.Arrays.equals(a.recorder().last(Component.VAE_DECODER).inputs().get("latent"),
                c.recorder().last(Component.VAE_DECODER).inputs().get("latent")));
    }

    @Test
    void progressReportsPhasesStepsAndPreviews() {
        List<String> events = new ArrayList<>();
        List<RgbImage> previews = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void onPhase(Phase phase) {
                events.add(phase.name());
            }

            @Override
            public void onStep(int step, int total, long etaMs, Supplier<RgbImage> preview) {
                events.add(step + "/" + total);
                assertTrue(etaMs >= 0);
                if (preview != null) {
                    previews.add(preview.get());
                }
            }
        };
        try (ModelSet set = ModelSet.load(TestModels.imageOnly(), RuntimeConfig.cpu(), null);
                RunControl control = new RunControl()) {
            JobParams p = new JobParams(4, null, 9L, null, null, null, null, null, false, 2, null);
            ResolvedParams rp = ParamResolver.resolve(Mode.COMPOSITE, p, false, 1);
            new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels()).run(
                    new StylizeRequest("j", List.of(new Reference(REF)), B, null, null, rp), control, listener);
        }
        assertEquals(List.of("ENCODING", "DENOISING", "1/4", "2/4", "3/4", "4/4", "DECODING"), events);
        assertEquals(2, previews.size());
        assertEquals(112 / 8, previews.get(0).width());
        assertEquals(48 / 8, previews.get(0).height());
    }

    @Test
    void cancelStopsWithinAStep() throws Exception {
        AtomicInteger stepsSeen = new AtomicInteger();
        try (ModelSet set = ModelSet.load(TestModels.slow(), RuntimeConfig.cpu(), null);
                RunControl control = new RunControl()) {
            ResolvedParams rp = ParamResolver.resolve(Mode.COMPOSITE, steps(50), false, 1);
            ProgressListener cancelAfterFirst = new ProgressListener() {
                @Override
                public void onStep(int step, int total, long etaMs, Supplier<RgbImage> preview) {
                    if (stepsSeen.incrementAndGet() == 1) {
                        // From another thread, as the worker's control consumer would.
                        Thread t = new Thread(control::cancel);
                        t.start();
                    }
                }
            };
            StylizeException e = assertThrows(StylizeException.class, () -> new StylizePipeline(set,
                    PipelineLimits.DEFAULT.maxCanvasPixels()).run(new StylizeRequest("j", List.of(new Reference(REF)), B,
                    null, null, rp), control, cancelAfterFirst));
            assertEquals(ErrorCode.CANCELLED, e.code());
            assertTrue(stepsSeen.get() <= 2, "steps after cancel: " + stepsSeen.get());
        }
    }

    @Test
    void maskErrorsAreTyped() {
        RgbImage wrongSize = TestImages.maskImage(new float[32 * 32], 32, 32);
        assertEquals(ErrorCode.MASK_SIZE_MISMATCH, assertThrows(StylizeException.class,
                () -> PipelineEndToEndTest.run(TestModels.imageOnly(), Mode.INPAINT, List.of(new Reference(REF)), B,
                        wrongSize, null, steps(2))).code());
        RgbImage empty = TestImages.maskImage(new float[64 * 48], 64, 48);
        assertEquals(ErrorCode.EMPTY_MASK, assertThrows(StylizeException.class,
                () -> PipelineEndToEndTest.run(TestModels.imageOnly(), Mode.INPAINT, List.of(new Reference(REF)), B,
                        empty, null, steps(2))).code());
        assertEquals(ErrorCode.EMPTY_MASK, assertThrows(StylizeException.class,
                () -> PipelineEndToEndTest.run(TestModels.imageOnly(), Mode.INPAINT, List.of(new Reference(REF)), B,
                        null, null, steps(2))).code());
    }

    @Test
    void largeTargetsAreFittedUnderTheBudgetAndResizedBack() {
        // 1000×600 target: canvas fitted under a small budget, output back at 1000×600.
        RgbImage big = TestImages.gradient(1000, 600);
        try (ModelSet set = ModelSet.load(TestModels.imageOnly(), RuntimeConfig.cpu(), null);
                RunControl control = new RunControl()) {
            ResolvedParams rp = ParamResolver.resolve(Mode.INPAINT, steps(2), false, 1);
            float[] m = new float[1000 * 600];
            for (int i = 0; i < 600 * 300; i++) {
                m[i] = 1; // top half
            }
            StylizeResult r = new StylizePipeline(set, 256L * 160).run(new StylizeRequest("j",
                    List.of(new Reference(REF)), big, TestImages.maskImage(m, 1000, 600), null, rp), control,
                    ProgressListener.NONE);
            assertEquals(1000, r.image().width());
            assertEquals(600, r.image().height());
            assertTrue((long) r.canvasWidth() * r.canvasHeight() <= 256L * 160);
            assertEquals(0, r.canvasWidth() % 16);
            assertEquals(0, r.canvasHeight() % 16);
            TestImages.assertColour(r.image(), 500, 100, new int[] {200, 40, 90}, 2);
        }
    }
}
