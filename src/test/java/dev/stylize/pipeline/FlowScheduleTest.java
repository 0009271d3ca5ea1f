package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowScheduleTest {

    /** μ table of docs/pipeline.md#sigma-schedule; 4608 is quoted rounded (1.236667), the others exactly. */
    @ParameterizedTest
    @CsvSource({"256, 0.5, 1e-15", "1024, 0.63, 1e-15", "4096, 1.15, 1e-15",
                "4608, 1.236667, 5e-7", "8192, 1.8433333333333333, 1e-15"})
    void muFollowsTheSpecTable(int tokens, double expected, double tolerance) {
        assertEquals(expected, FlowSchedule.mu(tokens), tolerance);
    }

    /**
     * Golden σ grid (28, 4096) from an independent numpy derivation, as float32 literals. They pin the
     * diffusers float32 path bit for bit.
     */
    @Test
    void sigmasMatchTheQuotedGoldenFor28StepsAt4096Tokens() {
        float[] sigmas = FlowSchedule.sigmas(28, 4096);
        assertEquals(29, sigmas.length);
        assertEquals(1.0f, sigmas[0]);
        assertEquals(0.9884086f, sigmas[1]);
        assertEquals(0.97622246f, sigmas[2]);
        assertEquals(0.9633944f, sigmas[3]);
        assertEquals(0.1954546f, sigmas[26]);
        assertEquals(0.1047209f, sigmas[27]);
        assertEquals(0.0f, sigmas[28]);
    }

    /**
     * The complete (28, 4096) and (4, 256) grids, produced outside this code base by the numpy
     * emulation of the diffusers path ({@code np.linspace(1, 1/N, N).astype(float32)}, {@code math.exp(mu) /
     * (math.exp(mu) + (1/t - 1)**1.0)} under numpy 2 / NEP 50, 0 appended), printed with repr().
     */
    @Test
    void sigmasMatchTheNumpyEmulationOfDiffusersBitForBit() {
        float[] expected28 = {1.0f, 0.988408625125885f, 0.9762224555015564f, 0.9633944034576416f,
            0.9498725533485413f, 0.9355989098548889f, 0.9205089807510376f, 0.9045307636260986f,
            0.8875834345817566f, 0.8695759177207947f, 0.8504056930541992f, 0.8299564123153687f,
            0.8080955147743225f, 0.7846716046333313f, 0.7595109343528748f, 0.7324128150939941f,
            0.7031447291374207f, 0.6714348196983337f, 0.6369644999504089f, 0.5993567109107971f,
            0.5581628680229187f, 0.5128441452980042f, 0.4627484083175659f, 0.40707841515541077f,
            0.3448489308357239f, 0.2748279869556427f, 0.19545459747314453f, 0.10472089797258377f, 0f};
        float[] expected4 = {1.0f, 0.8318243026733398f, 0.622459352016449f, 0.354661226272583f, 0f};
        assertArrayEquals(expected28, FlowSchedule.sigmas(28, 4096));
        assertArrayEquals(expected4, FlowSchedule.sigmas(4, 256));
    }

    /**
     * Distance to exact math, counted in float32 steps (ulps) from the correctly rounded exact value.
     * The reference uses the closed form of linspace(1, 1/N, N) = (N−k)/N, so 1/t − 1 = k/(N−k) and
     * σ_k = e^μ(N−k) / (e^μ(N−k) + k), with μ written as a two-point interpolation.
     *
     * <p>The three golden grids (28/4096, 4/256, 50/8192) are within one step. The diffusers float32
     * path rounds t to float32 before the shift, so it is not always that close: for (28, 4096)
     * σ_3 = 0.9633944034576416 is 1.06·Math.ulp below the exact 0.9633944666144262 (one step below
     * its correctly rounded neighbour), and for other sizes numpy itself lands two steps away (see the
     * next test). Parity with diffusers takes precedence over the last bit, so other sizes are allowed two steps.
     */
    @ParameterizedTest
    @CsvSource({"28, 4096, 1", "4, 256, 1", "50, 8192, 1",
                "1, 1024, 2", "2, 4608, 2", "100, 300, 2", "28, 1024, 2", "50, 7225, 2"})
    void sigmasAreCloseToTheExactSchedule(int steps, int tokens, int maxUlpSteps) {
        double mu = 0.5 + (tokens - 256) * ((1.15 - 0.5) / (4096 - 256));
        double expMu = Math.exp(mu);
        float[] sigmas = FlowSchedule.sigmas(steps, tokens);
        assertEquals(steps + 1, sigmas.length);
        for (int k = 0; k < steps; k++) {
            double exact = expMu * (steps - k) / (expMu * (steps - k) + k);
            int ulpSteps = Math.abs(Float.floatToIntBits(sigmas[k]) - Float.floatToIntBits((float) exact));
            assertTrue(ulpSteps <= maxUlpSteps, "sigma[" + k + "] = " + sigmas[k] + " is " + ulpSteps
                    + " float32 steps from the exact " + exact);
        }
        assertEquals(0f, sigmas[steps]);
        for (int k = 0; k < steps; k++) {
            assertTrue(sigmas[k] > sigmas[k + 1], "strictly decreasing at " + k);
        }
    }

    /** numpy's own value for (100, 300) σ_88, two steps below the exact 0.18467605931147293. */
    @Test
    void twoStepDeviationsAreDiffusersOwn() {
        assertEquals(0.18467603623867035f, FlowSchedule.sigmas(100, 300)[88]);
    }

    /**
     * Golden img2img start (docs/pipeline.md#img2img-start), strength 0.6, 28 steps, 4096 tokens:
     * t_start 11, 17 steps, σ_start 0.8299564.
     */
    @Test
    void img2imgStartMatchesTheSpecGolden() {
        int tStart = FlowSchedule.startIndex(28, 0.6);
        assertEquals(11, tStart);
        assertEquals(17, 28 - tStart);
        assertEquals(0.8299564f, FlowSchedule.sigmas(28, 4096)[tStart]);
    }

    /**
     * Python {@code int(max(N - min(N*s, N), 0))}, evaluated in CPython. The float effects are the
     * point: 25·0.56 = 14.000000000000002, so 25 − 14.000000000000002 = 10.999999999999998 → 10 (not
     * 11); 50·0.56 = 28.000000000000004 → 21 (not 22); 10·0.7 rounds to exactly 7.0 → 3.
     * (28·0.6 evaluates to exactly 16.8 in double → 11.2 → 11.)
     */
    @ParameterizedTest
    @CsvSource({"28, 0.6, 11", "28, 1.0, 0", "50, 0.5, 25", "10, 0.7, 3", "4, 0.3, 2",
                "25, 0.56, 10", "50, 0.56, 21", "10, 0.09, 9", "28, 0.01, 27", "3, 0.3, 2",
                "3, 0.7, 0", "1, 1.0, 0"})
    void startIndexTruncatesLikePython(int steps, double strength, int expected) {
        assertEquals(expected, FlowSchedule.startIndex(steps, strength));
    }

    @ParameterizedTest
    @CsvSource({"10, 0.0", "10, 1e-17", "10, -0.1", "10, 1.5", "0, 0.5"})
    void startIndexRejectsRunsWithoutAStep(int steps, double strength) {
        assertThrows(IllegalArgumentException.class, () -> FlowSchedule.startIndex(steps, strength));
    }

    @Test
    void rejectsNonPositiveArguments() {
        assertThrows(IllegalArgumentException.class, () -> FlowSchedule.sigmas(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> FlowSchedule.mu(0));
    }
}
