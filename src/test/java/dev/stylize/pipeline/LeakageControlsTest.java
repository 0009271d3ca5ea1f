package dev.stylize.pipeline;

import static dev.stylize.pipeline.TestImages.siglip;
import static dev.stylize.pipeline.TestImages.toU8;
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
 * Content-leakage controls change the Redux colour exactly as their formulas say. The analytic
 * transformer paints a fully masked patch with the mean colour of the rows after the text, so the
 * output pixel deep inside the mask reads that mean directly.
 */
class LeakageControlsTest {
    static final int W = 64;
    static final int H = 48;
    static final int RED = 0xC8285A;
    static final int BLUE = 0x1E3CDC;

    /** Composite with the whole of B masked: every B pixel is the Redux colour. */
    static PipelineEndToEndTest.Run composite(List<Reference> refs, JobParams p) {
        RgbImage b = TestImages.gradient(W, H);
        return PipelineEndToEndTest.run(TestModels.imageOnly(), Mode.COMPOSITE, refs, b, null, null, p);
    }

    static JobParams p(Double reduxStrength, Integer k, ReferenceBlend blend) {
        return new JobParams(3, null, 5L, null, reduxStrength, k, blend, null, false, null, null);
    }

    static float[] rgb(int c) {
        return new float[] {siglip(c >> 16 & 0xFF), siglip(c >> 8 & 0xFF), siglip(c & 0xFF)};
    }

    static void assertOutputColour(PipelineEndToEndTest.Run r, double[] colour) {
        RgbImage out = r.result().image();
        int[] got = {out.r(W / 2, H / 2), out.g(W / 2, H / 2), out.b(W / 2, H / 2)};
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(got[c] - toU8(colour[c])) <= 1,
                    "channel " + c + ": " + got[c] + " vs expected " + toU8(colour[c]));
        }
    }

    static int textRows(PipelineEndToEndTest.Run r) {
        return (int) r.recorder().last(Component.FILL_TRANSFORMER).shapes().get("encoder_hidden_states")[1];
    }

    @Test
    void reduxStrengthScalesTheColour() {
        RgbImage ref = TestImages.uniform(H, H, 200, 40, 90);
        float[] c = rgb(0xC8285A);
        for (double s : new double[] {1.0, 0.5, 0.0}) {
            PipelineEndToEndTest.Run r = composite(List.of(new Reference(ref)), p(s, null, null));
            assertOutputColour(r, new double[] {s * c[0], s * c[1], s * c[2]});
        }
    }

    @Test
    void weightsAndConcatAverageOverAllTokens() {
        RgbImage r1 = TestImages.uniform(H, H, 200, 40, 90);
        RgbImage r2 = TestImages.uniform(H, H, 30, 60, 220);
        PipelineEndToEndTest.Run r = composite(List.of(new Reference(r1, 1.0, null), new Reference(r2, 0.5, null)),
                p(null, null, ReferenceBlend.CONCAT));
        float[] c1 = rgb(0xC8285A);
        float[] c2 = rgb(0x1E3CDC);
        assertEquals(512 + 2 * 729, textRows(r));
        assertOutputColour(r, new double[] {(c1[0] + 0.5 * c2[0]) / 2, (c1[1] + 0.5 * c2[1]) / 2, (c1[2] + 0.5 * c2[2]) / 2});
    }

    @Test
    void sumAddsTheWeightedReferences() {
        RgbImage r1 = TestImages.uniform(H, H, 200, 40, 90);
        RgbImage r2 = TestImages.uniform(H, H, 30, 60, 220);
        PipelineEndToEndTest.Run r = composite(List.of(new Reference(r1, 0.5, null), new Reference(r2, 0.25, null)),
                p(null, null, ReferenceBlend.SUM));
        float[] c1 = rgb(0xC8285A);
        float[] c2 = rgb(0x1E3CDC);
        assertEquals(512 + 729, textRows(r));
        assertOutputColour(r, new double[] {0.5 * c1[0] + 0.25 * c2[0], 0.5 * c1[1] + 0.25 * c2[1], 0.5 * c1[2] + 0.25 * c2[2]});
    }

    @Test
    void downsamplingAveragesAreaBins() {
        // 384×384 reference (no resize): red left of x = 100, blue right. SigLIP cell 7 (x 98..111) is mixed.
        RgbImage ref = TestImages.split(384, 384, 100, RED, BLUE);
        for (int k : new int[] {2, 3, 4}) {
            PipelineEndToEndTest.Run r = composite(List.of(new Reference(ref)), p(null, k, null));
            int n = 27 / k;
            assertEquals(512 + n * n, textRows(r), "k=" + k);
            float[] tokens = AnalyticOracle.siglipTokens(TestImages.chw(ref)); // (729, 5)
            double[] mean = new double[3];
            for (int bi = 0; bi < n; bi++) {
                for (int bj = 0; bj < n; bj++) {
                    int r0 = bi * 27 / n;
                    int r1 = ((bi + 1) * 27 + n - 1) / n;
                    int q0 = bj * 27 / n;
                    int q1 = ((bj + 1) * 27 + n - 1) / n;
                    for (int c = 0; c < 3; c++) {
                        double s = 0;
                        for (int y = r0; y < r1; y++) {
                            for (int x = q0; x < q1; x++) {
                                s += tokens[(y * 27 + x) * 5 + c];
                            }
                        }
                        mean[c] += s / ((r1 - r0) * (q1 - q0)) / (n * n);
                    }
                }
            }
            assertOutputColour(r, mean);
        }
    }

    @Test
    void referenceMaskKeepsOnlyTouchedPatches() {
        RgbImage ref = TestImages.split(384, 384, 100, RED, BLUE);
        // Mask x < 90: SigLIP columns 0..6 (column 6 covers x 84..97) — all red.
        float[] m = new float[384 * 384];
        for (int y = 0; y < 384; y++) {
            for (int x = 0; x < 90; x++) {
                m[y * 384 + x] = 1;
            }
        }
        RgbImage mask = TestImages.maskImage(m, 384, 384);
        PipelineEndToEndTest.Run r = composite(List.of(new Reference(ref, 1.0, mask)), p(null, null, null));
        assertEquals(512 + 27 * 7, textRows(r));
        float[] red = rgb(RED);
        assertOutputColour(r, new double[] {red[0], red[1], red[2]});
        // Without the mask, the blue part leaks in.
        PipelineEndToEndTest.Run all = composite(List.of(new Reference(ref)), p(null, null, null));
        assertTrue(Math.abs(all.result().image().b(W / 2, H / 2) - r.result().image().b(W / 2, H / 2)) > 20);
    }
}
