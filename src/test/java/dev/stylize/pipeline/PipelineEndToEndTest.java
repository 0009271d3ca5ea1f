package dev.stylize.pipeline;

import static dev.stylize.pipeline.TestImages.chw;
import static dev.stylize.pipeline.TestImages.siglip;
import static dev.stylize.pipeline.TestImages.toU8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.AnalyticModels;
import dev.stylize.analytic.AnalyticOracle;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobParams;
import dev.stylize.job.Layout;
import dev.stylize.job.Margins;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.ResolvedParams;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole jobs through the production pipeline on the analytic models; every expected pixel comes
 * from {@link AnalyticOracle}'s formulas in pixel space, never from the production packer.
 */
class PipelineEndToEndTest {
    static final int BW = 96;
    static final int BH = 64;
    static final int[] RED = {200, 40, 90};

    record Run(StylizeResult result, Recorder recorder) {}

    static Run run(Path models, Mode mode, List<Reference> refs, RgbImage target, RgbImage mask, String prompt,
            JobParams params) {
        Recorder rec = new Recorder();
        try (ModelSet set = ModelSet.load(models, RuntimeConfig.cpu(), rec);
                RunControl control = new RunControl()) {
            ResolvedParams p = ParamResolver.resolve(mode, params, set.has(Component.DEV_TRANSFORMER), 1234);
            StylizeRequest job = new StylizeRequest("job-1", refs, target, mask, prompt, p);
            return new Run(new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels())
                    .run(job, control, ProgressListener.NONE), rec);
        }
    }

    static JobParams params(int steps, Boolean pasteBack, Layout layout) {
        return new JobParams(steps, null, 7L, null, null, null, null, layout, pasteBack, null, null);
    }

    static float[] colour(int[] u8) {
        return new float[] {siglip(u8[0]), siglip(u8[1]), siglip(u8[2])};
    }

    @Test
    void compositeHorizontalLMaskLandsWhereDrawn() {
        RgbImage a = TestImages.uniform(64, BH, RED[0], RED[1], RED[2]);
        RgbImage b = TestImages.gradient(BW, BH);
        float[] m = TestImages.lMask(BW, BH);
        Run r = run(TestModels.imageOnly(), Mode.COMPOSITE, List.of(new Reference(a)), b,
                TestImages.maskImage(m, BW, BH), null, params(6, false, Layout.HORIZONTAL));

        // Expected: the oracle on the whole [A|B] canvas, then B's half.
        int cw = 64 + BW;
        float[] canvas = new float[3 * cw * BH];
        float[] canvasMask = new float[cw * BH];
        float[] ca = chw(a);
        float[] cb = chw(b);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < BH; y++) {
                for (int x = 0; x < cw; x++) {
                    canvas[(c * BH + y) * cw + x] = x < 64 ? ca[(c * BH + y) * 64 + x] : cb[(c * BH + y) * BW + x - 64];
                }
            }
        }
        for (int y = 0; y < BH; y++) {
            for (int x = 64; x < cw; x++) {
                canvasMask[y * cw + x] = m[y * BW + x - 64];
            }
        }
        float[] expected = AnalyticOracle.expectedFillOutputPixels(canvas, canvasMask, colour(RED), BH, cw);
        RgbImage out = r.result().image();
        assertEquals(BW, out.width());
        assertEquals(BH, out.height());
        TestImages.assertPixels(TestImages.crop(expected, cw, BH, 64, 0, BW, BH), out, "composite horizontal");
        // Spot checks a reader can follow: deep inside the foot of the L, the reference colour;
        // far from the mask, B's 4×4 block mean.
        TestImages.assertColour(out, 60, 44, RED, 1);
        TestImages.assertColour(out, 24, 20, RED, 1);
        TestImages.assertColour(out, 88, 8, blockMean(b, 88, 8), 1);
        assertEquals(160 * 64 / 256, r.result().imageTokens());
    }

    @Test
    void compositeVerticalLMaskLandsWhereDrawn() {
        RgbImage a = TestImages.uniform(BW, 32, RED[0], RED[1], RED[2]);
        RgbImage b = TestImages.gradient(BW, BH);
        float[] m = TestImages.lMask(BW, BH);
        Run r = run(TestModels.imageOnly(), Mode.COMPOSITE, List.of(new Reference(a)), b,
                TestImages.maskImage(m, BW, BH), null, params(6, false, Layout.VERTICAL));
        int ch = 32 + BH;
        float[] canvas = new float[3 * BW * ch];
        float[] canvasMask = new float[BW * ch];
        float[] ca = chw(a);
        float[] cb = chw(b);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < ch; y++) {
                for (int x = 0; x < BW; x++) {
                    canvas[(c * ch + y) * BW + x] = y < 32 ? ca[(c * 32 + y) * BW + x] : cb[(c * BH + y - 32) * BW + x];
                }
            }
        }
        for (int y = 32; y < ch; y++) {
            for (int x = 0; x < BW; x++) {
                canvasMask[y * BW + x] = m[(y - 32) * BW + x];
            }
        }
        float[] expected = AnalyticOracle.expectedFillOutputPixels(canvas, canvasMask, colour(RED), ch, BW);
        TestImages.assertPixels(TestImages.crop(expected, BW, ch, 0, 32, BW, BH), r.result().image(), "composite vertical");
        TestImages.assertColour(r.result().image(), 60, 44, RED, 1);
    }

    @Test
    void pasteBackKeepsOriginalPixelsAwayFromTheMask() {
        RgbImage a = TestImages.uniform(64, BH, RED[0], RED[1], RED[2]);
        RgbImage b = TestImages.gradient(BW, BH);
        float[] m = TestImages.lMask(BW, BH);
        RgbImage out = run(TestModels.imageOnly(), Mode.COMPOSITE, List.of(new Reference(a)), b,
                TestImages.maskImage(m, BW, BH), null, params(4, true, Layout.HORIZONTAL)).result().image();
        // Beyond the feather (8 px) from the L, B's pixels are exact; inside the L, the reference colour.
        for (int y = 0; y < BH; y++) {
            for (int x = 0; x < BW; x++) {
                boolean far = x >= 36 + 10 && (y < 36 - 10 || x >= 76 + 10) || x < 12 - 10 || y >= 52 + 10;
                if (far) {
                    assertEquals(b.rgb24(x, y), out.rgb24(x, y), "pixel (" + x + "," + y + ")");
                }
            }
        }
        TestImages.assertColour(out, 60, 44, RED, 1);
    }

    @Test
    void inpaintFillsOnlyTheMask() {
        RgbImage b = TestImages.gradient(BW, BH);
        float[] m = TestImages.lMask(BW, BH);
        RgbImage ref = TestImages.uniform(40, 30, 20, 180, 60);
        Run r = run(TestModels.imageOnly(), Mode.INPAINT, List.of(new Reference(ref)), b,
                TestImages.maskImage(m, BW, BH), null, params(5, false, null));
        float[] expected = AnalyticOracle.expectedFillOutputPixels(chw(b), m, colour(new int[] {20, 180, 60}), BH, BW);
        TestImages.assertPixels(expected, r.result().image(), "inpaint");
    }

    @Test
    void outpaintGeneratesTheMargins() {
        RgbImage b = TestImages.gradient(64, 48);
        RgbImage ref = TestImages.uniform(50, 50, 30, 60, 220);
        JobParams p = new JobParams(4, null, 3L, null, null, null, null, null, false, null, new Margins(0, 32, 16, 0));
        Run r = run(TestModels.imageOnly(), Mode.OUTPAINT, List.of(new Reference(ref)), b, null, null, p);
        RgbImage out = r.result().image();
        assertEquals(96, out.width());
        assertEquals(64, out.height());
        float[] padded = new float[3 * 96 * 64];
        float[] mask = new float[96 * 64];
        float[] cb = chw(b);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                boolean inside = x < 64 && y >= 16;
                mask[y * 96 + x] = inside ? 0 : 1;
                for (int c = 0; c < 3; c++) {
                    padded[(c * 64 + y) * 96 + x] = inside ? cb[(c * 48 + y - 16) * 64 + x] : (float) (127 / 127.5 - 1);
                }
            }
        }
        float[] expected = AnalyticOracle.expectedFillOutputPixels(padded, mask, colour(new int[] {30, 60, 220}), 64, 96);
        TestImages.assertPixels(expected, out, "outpaint");
        TestImages.assertColour(out, 90, 5, new int[] {30, 60, 220}, 1);
    }

    @Test
    void recordedTransformerInputsFollowTheContract() {
        RgbImage a = TestImages.uniform(64, BH, RED[0], RED[1], RED[2]);
        RgbImage b = TestImages.gradient(BW, BH);
        int steps = 6;
        Run r = run(TestModels.imageOnly(), Mode.COMPOSITE, List.of(new Reference(a)), b, null, null,
                params(steps, false, Layout.HORIZONTAL));
        List<Recorder.Call> calls = r.recorder().of(Component.FILL_TRANSFORMER);
        assertEquals(steps, calls.size());
        int tokens = (160 / 16) * (64 / 16);
        double mu = 0.5 + (1.15 - 0.5) / (4096 - 256) * (tokens - 256);
        for (int k = 0; k < steps; k++) {
            Recorder.Call c = calls.get(k);
            float sigma = c.inputs().get("timestep")[0];
            double t = 1.0 - (double) k / steps;
            double exact = Math.exp(mu) / (Math.exp(mu) + (1 / t - 1));
            assertTrue(Math.abs(sigma - exact) <= 2 * Math.ulp((float) exact), "σ_" + k + " = " + sigma + " vs " + exact);
            assertEquals(30f, c.inputs().get("guidance")[0]);
            assertArrayEquals(new long[] {1, tokens, 384}, c.shapes().get("hidden_states"));
            assertArrayEquals(new long[] {1, 512 + 729, 4096}, c.shapes().get("encoder_hidden_states"));
        }
        Recorder.Call first = calls.get(0);
        assertTrue(allZero(first.inputs().get("txt_ids")), "txt_ids are zeros");
        assertTrue(allZero(first.inputs().get("pooled_projections")), "no CLIP: pooled is zeros");
        float[] ehs = first.inputs().get("encoder_hidden_states");
        for (int i = 0; i < 512 * 4096; i++) {
            assertEquals(0f, ehs[i], "no T5: text rows are zeros");
        }
        assertEquals(1f, ehs[512 * 4096 + AnalyticModels.REDUX_FLAG_CHANNEL], "Redux rows follow the text");
        float[] ids = first.inputs().get("img_ids");
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 10; j++) {
                int t = i * 10 + j;
                assertArrayEquals(new float[] {0, i, j}, new float[] {ids[3 * t], ids[3 * t + 1], ids[3 * t + 2]});
            }
        }
    }

    @Test
    void probeChannelsExposePositionAndSchedule() {
        RgbImage a = TestImages.uniform(64, BH, RED[0], RED[1], RED[2]);
        RgbImage b = TestImages.gradient(BW, BH);
        float[] m = TestImages.lMask(BW, BH);
        int steps = 5;
        Run r = run(TestModels.imageOnly(), Mode.COMPOSITE, List.of(new Reference(a)), b,
                TestImages.maskImage(m, BW, BH), null, params(steps, false, Layout.HORIZONTAL));
        int h = 64 / 8;
        int w = 160 / 8;
        float[] raw = r.recorder().last(Component.VAE_DECODER).inputs().get("latent");
        float scale = AnalyticModels.SCALE;
        float shift = AnalyticModels.SHIFT;
        // Channel 15: δ·(3Y + X) at every canonical latent position — a token-order or pack/unpack
        // mistake, even one symmetric in pack and unpack, moves these values.
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float z = (raw[(15 * h + y) * w + x] - shift) * scale;
                assertEquals(AnalyticOracle.expectedProbe15(y, x), z, 2e-4, "probe at (" + y + "," + x + ")");
            }
        }
        // Channel 14: T + (x_start − T)·Π(1 + κ·Δσ) with x_start the seed's noise (strength 1).
        float[] noise = GaussianNoise.sample(7L, 16 * h * w);
        float[] sigmas = new float[steps + 1];
        int tokens = (h / 2) * (w / 2);
        double mu = 0.5 + (1.15 - 0.5) / (4096 - 256) * (tokens - 256);
        for (int k = 0; k < steps; k++) {
            double t = 1.0 - (double) k / steps;
            sigmas[k] = (float) (Math.exp(mu) / (Math.exp(mu) + (1 / t - 1)));
        }
        float[] canvas = new float[3 * 160 * 64];
        float[] ca = chw(a);
        float[] cb = chw(b);
        float[] cmask = new float[160 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 160; x++) {
                for (int c = 0; c < 3; c++) {
                    canvas[(c * 64 + y) * 160 + x] = x < 64 ? ca[(c * 64 + y) * 64 + x] : cb[(c * 64 + y) * BW + x - 64];
                }
                cmask[y * 160 + x] = x < 64 ? 0 : m[y * BW + x - 64];
            }
        }
        float[] masked = canvas.clone();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 160 * 64; i++) {
                masked[c * 160 * 64 + i] *= 1 - cmask[i];
            }
        }
        float[] zc = AnalyticOracle.normalize(AnalyticOracle.vaeEncode(masked, 64, 160));
        float[] target = AnalyticOracle.fillTarget(zc, cmask, colour(RED), 64, 160);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (14 * h + y) * w + x;
                double expected = AnalyticOracle.expectedKappaProbe(noise[i], target[i], sigmas, 0);
                assertEquals(expected, (raw[i] - shift) * scale, 2e-4, "κ-probe at (" + y + "," + x + ")");
            }
        }
    }

    @Test
    void restyleStartsFromTheTargetAtTheStrengthsSigma() {
        RgbImage b = TestImages.gradient(64, 48);
        RgbImage ref = TestImages.uniform(32, 32, 90, 200, 30);
        int steps = 10;
        JobParams p = new JobParams(steps, null, 11L, 0.6, null, null, null, null, null, null, null);
        Run r = run(TestModels.imageOnlyDev(), Mode.RESTYLE, List.of(new Reference(ref)), b, null, null, p);
        int start = (int) (steps - steps * 0.6); // t_start = int(N − N·s) = 4 (docs/pipeline.md#img2img-start)
        assertEquals(steps - start, r.recorder().of(Component.DEV_TRANSFORMER).size());
        assertEquals(0, r.recorder().of(Component.FILL_TRANSFORMER).size());
        assertEquals(2.5f, r.recorder().last(Component.DEV_TRANSFORMER).inputs().get("guidance")[0]);
        // Visible channels end exactly on the reference colour everywhere.
        TestImages.assertColour(r.result().image(), 0, 0, new int[] {90, 200, 30}, 1);
        TestImages.assertColour(r.result().image(), 63, 47, new int[] {90, 200, 30}, 1);
        // The κ-probe remembers where it started: σ_start·E + (1 − σ_start)·z(B).
        int h = 6;
        int w = 8;
        float[] sigmas = FlowSchedule.sigmas(steps, (h / 2) * (w / 2));
        float sigmaStart = r.recorder().of(Component.DEV_TRANSFORMER).get(0).inputs().get("timestep")[0];
        assertEquals(sigmas[start], sigmaStart);
        float[] noise = GaussianNoise.sample(11L, 16 * h * w);
        float[] zInit = AnalyticOracle.normalize(AnalyticOracle.vaeEncode(chw(b), 48, 64));
        float[] target = AnalyticOracle.devTarget(colour(new int[] {90, 200, 30}), h, w);
        float[] raw = r.recorder().last(Component.VAE_DECODER).inputs().get("latent");
        for (int i = 14 * h * w; i < 15 * h * w; i++) {
            double xStart = sigmaStart * noise[i] + (1 - sigmaStart) * zInit[i];
            double expected = AnalyticOracle.expectedKappaProbe(xStart, target[i], sigmas, start);
            assertEquals(expected, (raw[i] - AnalyticModels.SHIFT) * AnalyticModels.SCALE, 2e-4);
        }
    }

    @Test
    void restyleWithoutDevUsesFillWithAFullMask() {
        RgbImage b = TestImages.gradient(64, 48);
        RgbImage ref = TestImages.uniform(32, 32, 90, 200, 30);
        JobParams p = new JobParams(6, null, 11L, null, null, null, null, null, null, null, null);
        Run r = run(TestModels.imageOnly(), Mode.RESTYLE, List.of(new Reference(ref)), b, null, null, p);
        Recorder.Call c = r.recorder().last(Component.FILL_TRANSFORMER);
        assertEquals(30f, c.inputs().get("guidance")[0]);
        float[] hs = c.inputs().get("hidden_states");
        for (int t = 0; t < 12; t++) {
            for (int j = 128; j < 384; j++) {
                assertEquals(1f, hs[t * 384 + j], "full mask");
            }
        }
        assertEquals(6 - (int) (6 - 6 * 0.6), r.recorder().of(Component.FILL_TRANSFORMER).size());
        TestImages.assertColour(r.result().image(), 10, 10, new int[] {90, 200, 30}, 1);
    }

    @Test
    void variationHasTheReferencesSizeAndColour() {
        RgbImage ref = TestImages.uniform(80, 48, 140, 20, 240);
        Run r = run(TestModels.imageOnlyDev(), Mode.VARIATION, List.of(new Reference(ref)), null, null, null,
                params(4, null, null));
        assertEquals(80, r.result().image().width());
        assertEquals(48, r.result().image().height());
        TestImages.assertColour(r.result().image(), 40, 24, new int[] {140, 20, 240}, 1);
    }

    static int[] blockMean(RgbImage img, int x, int y) {
        int x0 = x / 4 * 4;
        int y0 = y / 4 * 4;
        int[] out = new int[3];
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int dy = 0; dy < 4; dy++) {
                for (int dx = 0; dx < 4; dx++) {
                    s += ((img.rgb()[3 * ((y0 + dy) * img.width() + x0 + dx) + c] & 0xFF) / 127.5 - 1);
                }
            }
            out[c] = toU8(s / 16);
        }
        return out;
    }

    static boolean allZero(float[] v) {
        for (float f : v) {
            if (f != 0) {
                return false;
            }
        }
        return true;
    }
}
