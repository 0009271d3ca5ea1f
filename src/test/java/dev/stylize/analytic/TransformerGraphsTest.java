package dev.stylize.analytic;

import static dev.stylize.analytic.Fixtures.H;
import static dev.stylize.analytic.Fixtures.LH;
import static dev.stylize.analytic.Fixtures.LW;
import static dev.stylize.analytic.Fixtures.N;
import static dev.stylize.analytic.Fixtures.W;
import static dev.stylize.analytic.Fixtures.maxAbsDiff;
import static dev.stylize.analytic.ReferencePacking.fillHiddenStates;
import static dev.stylize.analytic.ReferencePacking.imgIds;
import static dev.stylize.analytic.ReferencePacking.packLatent;
import static dev.stylize.analytic.ReferencePacking.packMask;
import static dev.stylize.analytic.ReferencePacking.unpackLatent;
import static dev.stylize.analytic.TransformerInputs.encoderHiddenStates;
import static dev.stylize.analytic.TransformerInputs.withCommonInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.ReferencePacking.Layout;
import dev.stylize.runtime.Component;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TransformerGraphsTest {

    static final int REDUX_ROWS = 12;
    static final int L = AnalyticModels.TEXT_ROWS + REDUX_ROWS;
    static final float[] SIGMAS = {1f, 0.83f, 0.61f, 0.37f, 0.12f, 0f};

    @TempDir
    static Path dir;
    static OrtGraph fill;
    static OrtGraph dev;

    /** Canonical (16,h,w) normalized latents and conditioning shared by the tests. */
    static final float[] X = Fixtures.gaussian(16 * LH * LW, 3);
    static final float[] MASK = Fixtures.lShapedMask();
    static float[] maskedLatent;
    static float[] text;
    static float[] colour;

    @BeforeAll
    static void writeModels() throws Exception {
        AnalyticModels.write(dir, AnalyticModels.Options.defaults().withTextEncoders(false));
        fill = OrtGraph.open(dir, Component.FILL_TRANSFORMER);
        dev = OrtGraph.open(dir, Component.DEV_TRANSFORMER);

        float[] canvas = Fixtures.gradientCanvas();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < H * W; p++) {
                canvas[c * H * W + p] *= 1 - MASK[p];
            }
        }
        maskedLatent = AnalyticOracle.normalize(AnalyticOracle.vaeEncode(canvas, H, W));
        text = encoderHiddenStates(L, 5);
        colour = AnalyticOracle.referenceColour(text, L);
    }

    @AfterAll
    static void close() throws Exception {
        fill.close();
        dev.close();
    }

    /**
     * Runs the Fill graph on canonical x: packs latents and mask with the given layouts and unpacks
     * the output with the latents' one (a consistently wrong packer when both are the same).
     */
    static float[] fillVelocity(float[] x, float[] ehs, int rows, float sigma, Layout latents, Layout mask)
            throws Exception {
        float[] hs = fillHiddenStates(
                packLatent(x, 16, LH, LW, latents),
                packLatent(maskedLatent, 16, LH, LW, latents),
                packMask(MASK, H, W, mask), N);
        float[] out = withCommonInputs(fill.put("hidden_states", hs, 1, N, 384), ehs, rows, sigma,
                imgIds(LH, LW)).run().get("latent");
        assertEquals(N * 64, out.length);
        return unpackLatent(out, 16, LH, LW, latents);
    }

    @ParameterizedTest
    @ValueSource(floats = {1f, 0.7f, 0.05f})
    void fillVelocityMatchesOracle(float sigma) throws Exception {
        float[] v = fillVelocity(X, text, L, sigma, Layout.SPEC, Layout.SPEC);
        float[] target = AnalyticOracle.fillTarget(maskedLatent, MASK, colour, H, W);
        float[] expected = AnalyticOracle.velocity(X, target, sigma, LH, LW);
        assertTrue(maxAbsDiff(expected, v) < 2e-5 / sigma, "max diff " + maxAbsDiff(expected, v));
    }

    @Test
    void referenceColourIgnoresTextRows() {
        for (float c : colour) {
            assertTrue(Math.abs(c) < 1, "text rows (value 3) leaked into c: " + c);
        }
    }

    /** A packer that swaps two axes, even consistently for packing and unpacking, changes the result. */
    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"SWAP_DY_DX", "SWAP_TOKEN_AXES"})
    void swappedPackingAxesChangeTheVelocity(Layout wrong) throws Exception {
        float[] expected = AnalyticOracle.velocity(X, AnalyticOracle.fillTarget(maskedLatent, MASK, colour, H, W),
                0.7f, LH, LW);
        assertTrue(maxAbsDiff(expected, fillVelocity(X, text, L, 0.7f, wrong, wrong)) > 1e-2);
        assertTrue(maxAbsDiff(expected, fillVelocity(X, text, L, 0.7f, Layout.SPEC, wrong)) > 1e-2,
                "mask packed unlike the latents");
    }

    @Test
    void idsInWrongTokenOrderMoveThePositionProbe() throws Exception {
        float[] wrongIds = new float[N * 3];
        for (int t = 0; t < N; t++) { // column-major token order: t = j·(h/2) + i
            wrongIds[3 * t + 1] = t % (LH / 2);
            wrongIds[3 * t + 2] = t / (LH / 2);
        }
        float[] hs = fillHiddenStates(packLatent(X, 16, LH, LW),
                packLatent(maskedLatent, 16, LH, LW), packMask(MASK, H, W, Layout.SPEC), N);
        float[] v = unpackLatent(withCommonInputs(fill.put("hidden_states", hs, 1, N, 384),
                text, L, 0.7f, wrongIds).run().get("latent"), 16, LH, LW);
        float[] expected = AnalyticOracle.velocity(X, AnalyticOracle.fillTarget(maskedLatent, MASK, colour, H, W),
                0.7f, LH, LW);
        assertTrue(maxAbsDiff(expected, v) > 1e-2);
    }

    @Test
    void noReduxRowsMeansColourZeroNotNaN() throws Exception {
        int rows = AnalyticModels.TEXT_ROWS;
        float[] ehs = encoderHiddenStates(rows, 6);
        float[] v = fillVelocity(X, ehs, rows, 0.5f, Layout.SPEC, Layout.SPEC);
        float[] expected = AnalyticOracle.velocity(X,
                AnalyticOracle.fillTarget(maskedLatent, MASK, new float[3], H, W), 0.5f, LH, LW);
        assertTrue(maxAbsDiff(expected, v) < 1e-4);
    }

    @Test
    void devVelocityMatchesOracle() throws Exception {
        float sigma = 0.6f;
        float[] out = withCommonInputs(dev.put("hidden_states", packLatent(X, 16, LH, LW), 1, N, 64),
                text, L, sigma, imgIds(LH, LW)).run().get("latent");
        float[] expected = AnalyticOracle.velocity(X, AnalyticOracle.devTarget(colour, LH, LW), sigma, LH, LW);
        assertTrue(maxAbsDiff(expected, unpackLatent(out, 16, LH, LW)) < 1e-4);
    }

    /** Euler from an img2img start index: x ends at T on all channels but 14, which ends at the κ formula. */
    @Test
    void eulerLoopTelescopesToTheTarget() throws Exception {
        int k0 = 1;
        float[] x = X.clone();
        for (int k = k0; k + 1 < SIGMAS.length; k++) {
            float[] v = fillVelocity(x, text, L, SIGMAS[k], Layout.SPEC, Layout.SPEC);
            for (int i = 0; i < x.length; i++) {
                x[i] += (SIGMAS[k + 1] - SIGMAS[k]) * v[i];
            }
        }
        float[] target = AnalyticOracle.fillTarget(maskedLatent, MASK, colour, H, W);
        int plane = LH * LW;
        for (int i = 0; i < x.length; i++) {
            int k = i / plane;
            double expected = k == AnalyticModels.KAPPA_CHANNEL
                    ? AnalyticOracle.expectedKappaProbe(X[i], target[i], SIGMAS, k0) : target[i];
            assertEquals(expected, x[i], 1e-4, "channel " + k + " index " + i % plane);
        }
        assertEquals(AnalyticOracle.expectedProbe15(5, 2), x[15 * plane + 5 * LW + 2], 1e-5);
        assertEquals(0.17f, AnalyticOracle.expectedProbe15(5, 2), 1e-6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pooled_projections", "txt_ids", "guidance"})
    void inputsOutsideTheFormulaAreStillConsumed(String input) throws Exception {
        float[] hs = new float[N * 384];
        withCommonInputs(fill.put("hidden_states", hs, 1, N, 384), text, L, 0.5f, imgIds(LH, LW));
        float[] poisoned = input.equals("pooled_projections") ? new float[768] : input.equals("txt_ids")
                ? new float[L * 3] : new float[1];
        poisoned[0] = Float.NaN;
        long[] shape = input.equals("pooled_projections") ? new long[] {1, 768}
                : input.equals("txt_ids") ? new long[] {L, 3} : new long[] {1};
        float[] out = fill.put(input, poisoned, shape).run().get("latent");
        assertTrue(Float.isNaN(out[0]), input + " does not reach the output");
    }
}
