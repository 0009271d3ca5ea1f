package dev.stylize.analytic;

import static dev.stylize.analytic.Fixtures.H;
import static dev.stylize.analytic.Fixtures.LH;
import static dev.stylize.analytic.Fixtures.LW;
import static dev.stylize.analytic.Fixtures.W;
import static dev.stylize.analytic.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.runtime.Component;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaeGraphsTest {

    @TempDir
    static Path dir;
    static OrtGraph encoder;
    static OrtGraph decoder;

    @BeforeAll
    static void writeModels() throws Exception {
        AnalyticModels.write(dir, AnalyticModels.Options.defaults().withTextEncoders(false).withDevTransformer(false));
        encoder = OrtGraph.open(dir, Component.VAE_ENCODER);
        decoder = OrtGraph.open(dir, Component.VAE_DECODER);
    }

    @AfterAll
    static void close() throws Exception {
        encoder.close();
        decoder.close();
    }

    @Test
    void affineConstantsAreDistinctAndNeverTrivial() {
        Set<Float> scales = new HashSet<>();
        for (int k = 0; k < 16; k++) {
            float a = AnalyticModels.vaeA(k);
            assertTrue(Math.abs(Math.abs(a) - 1) > 1e-3, "a_" + k + " = " + a);
            assertNotEquals(0f, AnalyticModels.vaeB(k), "b_" + k);
            scales.add(a);
        }
        assertEquals(16, scales.size());
    }

    @Test
    void encoderMatchesOracleOnGradientCanvas() throws Exception {
        float[] canvas = Fixtures.gradientCanvas();
        float[] latent = encoder.put("images", canvas, 1, 3, H, W).run().get("latent");
        assertTrue(maxAbsDiff(AnalyticOracle.vaeEncode(canvas, H, W), latent) < 1e-5);
    }

    @Test
    void encoderLogvarMatchesOracle() throws Exception {
        float[] canvas = Fixtures.gradientCanvas();
        float[] logvar = encoder.put("images", canvas, 1, 3, H, W).run().get("logvar");
        float[] expected = AnalyticOracle.vaeLogvar(canvas, H, W);
        assertEquals(expected.length, logvar.length);
        assertTrue(maxAbsDiff(expected, logvar) < 1e-5);
        // It depends on the image and differs per channel: a mean/logvar mix-up would show.
        assertTrue(maxAbsDiff(AnalyticOracle.vaeEncode(canvas, H, W), logvar) > 0.5);
    }

    /** Documents ONNX SpaceToDepth's order: quadrant q = 2·qy + qx, channel k = 3q + colour. */
    @Test
    void quadrantChannelOrderIsThreeQPlusColour() throws Exception {
        float[] img = new float[3 * H * W];
        // green = 1 in the top-right 4×4 quadrant (qy=0, qx=1 → q=1) of latent pixel (y=2, x=1)
        for (int y = 16; y < 20; y++) {
            for (int x = 12; x < 16; x++) {
                img[H * W + y * W + x] = 1f;
            }
        }
        float[] z = encoder.put("images", img, 1, 3, H, W).run().get("latent");
        for (int k = 0; k < 16; k++) {
            float u = (z[(k * LH + 2) * LW + 1] - AnalyticModels.vaeB(k)) / AnalyticModels.vaeA(k);
            float expected = k == 4 ? 1f : k == 13 ? 0.25f : k == 15 ? 1f : 0f;
            assertEquals(expected, u, 1e-5, "u_" + k);
        }
    }

    @Test
    void decoderMatchesOracleOnRandomLatent() throws Exception {
        float[] latent = Fixtures.gaussian(16 * LH * LW, 7);
        float[] img = decoder.put("latent", latent, 1, 16, LH, LW).run().get("images");
        assertEquals(3 * H * W, img.length);
        assertTrue(maxAbsDiff(AnalyticOracle.vaeDecode(latent, LH, LW), img) < 1e-5);
    }

    @Test
    void decodeOfEncodeIsTheBlockMeanImage() throws Exception {
        float[] canvas = Fixtures.gradientCanvas();
        float[] latent = encoder.put("images", canvas, 1, 3, H, W).run().get("latent");
        float[] img = decoder.put("latent", latent, 1, 16, LH, LW).run().get("images");
        assertTrue(maxAbsDiff(AnalyticOracle.blockMeans4(canvas, H, W), img) < 1e-5);
        assertTrue(maxAbsDiff(canvas, img) > 1e-3, "block means differ from the canvas itself");
    }
}
