package dev.stylize.pipeline;

import static dev.stylize.pipeline.TestImages.siglip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.AnalyticOracle;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.ReferenceBlend;
import dev.stylize.runtime.Component;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The transformer's {@code encoder_hidden_states} and {@code pooled_projections} under each
 * {@link ReferenceBlend}, predicted from the formulas with the analytic encoders' closed forms (T5/CLIP
 * tables, Redux tokens) and compared with what the pipeline feeds the Fill transformer.
 */
class ReferenceConditioningTest {
    static final int[] RED = {200, 40, 90};
    static final int[] BLUE = {30, 60, 220};
    static final RgbImage B = TestImages.gradient(64, 48);
    static final int WIDTH = 4096;

    static Reference ref(int[] u8, double weight, double a, double b) {
        return new Reference(TestImages.uniform(384, 384, u8[0], u8[1], u8[2]), weight, null).withEmbedsScales(a, b);
    }

    static PipelineEndToEndTest.Run run(List<Reference> refs, ReferenceBlend blend, Double reduxStrength) {
        return PipelineEndToEndTest.run(TestModels.full(), Mode.COMPOSITE, refs, B, null, "a red cat",
                new JobParams(2, null, 3L, null, reduxStrength, null, blend, null, false, null, null));
    }

    /** Redux tokens (729, 4096) of a uniform 384×384 reference, from the analytic SigLIP/Redux formulas. */
    static float[] reduxTokens(int[] u8) {
        int n = 384 * 384;
        float[] pixels = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(pixels, c * n, (c + 1) * n, siglip(u8[c]));
        }
        float[] six = AnalyticOracle.reduxTokens(pixels); // (729, 6): the non-zero channels
        float[] full = new float[729 * WIDTH];
        for (int t = 0; t < 729; t++) {
            System.arraycopy(six, t * 6, full, t * WIDTH, 6);
        }
        return full;
    }

    static float[] t5(PipelineEndToEndTest.Run r) {
        float[] ids = r.recorder().last(Component.T5).inputs().get("input_ids");
        int[] asInt = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            asInt[i] = (int) ids[i];
        }
        return AnalyticOracle.textEmbeddings(asInt, WIDTH);
    }

    static float[] pooled(PipelineEndToEndTest.Run r) {
        float[] ids = r.recorder().last(Component.CLIP).inputs().get("input_ids");
        int[] asInt = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            asInt[i] = (int) ids[i];
        }
        return AnalyticOracle.clipPooled(asInt);
    }

    static float[] fed(PipelineEndToEndTest.Run r, String input) {
        return r.recorder().last(Component.FILL_TRANSFORMER).inputs().get(input);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 + 1e-6 * Math.abs(expected[i]), what + " [" + i + "]");
        }
    }

    /** diffusers: Σ_i a_i·[T5 | s·w_i·R_i] and Σ_i b_i·pooled. */
    @Test
    void sumConditioningScalesAndSumsWholeSequencesAndPooled() {
        double s = 0.8;
        List<Reference> refs = List.of(ref(RED, 0.5, 0.6, 1.5), ref(BLUE, 1.0, 0.3, 0.25));
        PipelineEndToEndTest.Run r = run(refs, ReferenceBlend.SUM_CONDITIONING, s);
        float[] t5 = t5(r);
        float[] pooled = pooled(r);
        float[][] tokens = {reduxTokens(RED), reduxTokens(BLUE)};
        float[] expected = new float[(512 + 729) * WIDTH];
        float[] expectedPooled = new float[pooled.length];
        for (int i = 0; i < refs.size(); i++) {
            float a = (float) refs.get(i).promptEmbedsScale();
            float w = (float) refs.get(i).weight();
            for (int j = 0; j < t5.length; j++) {
                expected[j] += a * t5[j];
            }
            for (int j = 0; j < tokens[i].length; j++) {
                expected[t5.length + j] += a * ((float) s * (w * tokens[i][j]));
            }
            for (int j = 0; j < pooled.length; j++) {
                expectedPooled[j] += (float) refs.get(i).pooledPromptEmbedsScale() * pooled[j];
            }
        }
        assertClose(expected, fed(r, "encoder_hidden_states"), "encoder_hidden_states");
        assertClose(expectedPooled, fed(r, "pooled_projections"), "pooled_projections");
        // The analytic transformer paints the mean Redux colour: Σ_i a_i·s·w_i·c_i.
        int[] got = {r.result().image().r(32, 24), r.result().image().g(32, 24), r.result().image().b(32, 24)};
        for (int c = 0; c < 3; c++) {
            double colour = 0.6 * s * 0.5 * siglip(RED[c]) + 0.3 * s * 1.0 * siglip(BLUE[c]);
            assertTrue(Math.abs(got[c] - TestImages.toU8(colour)) <= 1, "channel " + c + ": " + got[c]);
        }
    }

    /** The Redux-token sum keeps T5 and pooled once: with a text encoder it is not diffusers' blend. */
    @Test
    void sumScalesTheReduxTokensOnlyUnlikeSumConditioning() {
        PipelineEndToEndTest.Run tokensOnly = run(List.of(ref(RED, 0.6, 1, 1), ref(BLUE, 0.3, 1, 1)),
                ReferenceBlend.SUM, null);
        PipelineEndToEndTest.Run whole = run(List.of(ref(RED, 1, 0.6, 0.6), ref(BLUE, 1, 0.3, 0.3)),
                ReferenceBlend.SUM_CONDITIONING, null);
        float[] t5 = t5(tokensOnly);
        float[] sum = fed(tokensOnly, "encoder_hidden_states");
        float[] sumConditioning = fed(whole, "encoder_hidden_states");
        assertEquals(sum.length, sumConditioning.length);
        float[] red = reduxTokens(RED);
        float[] blue = reduxTokens(BLUE);
        for (int j = 0; j < t5.length; j++) {
            assertEquals(t5[j], sum[j], 1e-7, "sum: T5 row value " + j + " once, unscaled");
            assertEquals(0.6f * t5[j] + 0.3f * t5[j], sumConditioning[j], 1e-6, "sum_conditioning: (0.6 + 0.3)·T5");
        }
        // The text part differs (0.9·T5 vs T5) where T5 is non-zero; the Redux part agrees.
        assertTrue(Math.abs(sum[6] - sumConditioning[6]) > 1e-4, sum[6] + " vs " + sumConditioning[6]);
        for (int j = 0; j < red.length; j++) {
            float expected = 0.6f * red[j] + 0.3f * blue[j];
            assertEquals(expected, sum[t5.length + j], 1e-6);
            assertEquals(expected, sumConditioning[t5.length + j], 1e-6);
        }
        assertClose(pooled(tokensOnly), fed(tokensOnly, "pooled_projections"), "sum: pooled once, unscaled");
        float[] pooled = pooled(whole);
        float[] fedPooled = fed(whole, "pooled_projections");
        for (int j = 0; j < pooled.length; j++) {
            assertEquals(0.6f * pooled[j] + 0.3f * pooled[j], fedPooled[j], 1e-6);
        }
    }

    /** One reference with scales 1: diffusers' blend is the plain [T5 | R], byte for byte. */
    @Test
    void oneReferenceWithUnitScalesEqualsConcat() {
        PipelineEndToEndTest.Run concat = run(List.of(ref(RED, 0.7, 1, 1)), ReferenceBlend.CONCAT, 0.9);
        PipelineEndToEndTest.Run whole = run(List.of(ref(RED, 0.7, 1, 1)), ReferenceBlend.SUM_CONDITIONING, 0.9);
        assertArrayEquals(fed(concat, "encoder_hidden_states"), fed(whole, "encoder_hidden_states"));
        assertArrayEquals(fed(concat, "pooled_projections"), fed(whole, "pooled_projections"));
        assertArrayEquals(concat.result().image().rgb(), whole.result().image().rgb());
    }
}
