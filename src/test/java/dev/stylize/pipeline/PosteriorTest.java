package dev.stylize.pipeline;

import static dev.stylize.pipeline.TestImages.chw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.AnalyticOracle;
import dev.stylize.analytic.ReferencePacking;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.Posterior;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.Component;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code params.posterior}: the masked-image latent and the init latent are the VAE posterior's mean, or a
 * sample {@code mean + exp(logvar/2)·ε} with ε from the job's seed. Expected latents come from the
 * analytic encoder's closed forms ({@link AnalyticOracle#vaeEncode}, {@link AnalyticOracle#vaeLogvar}),
 * compared with what the pipeline feeds the transformer.
 */
class PosteriorTest {
    static final int W = 64;
    static final int H = 48;
    static final RgbImage REF = TestImages.uniform(48, 48, 200, 40, 90);
    static final RgbImage B = TestImages.gradient(W, H);
    static final float[] MASK = TestImages.lMask(W, H);

    static JobParams params(int steps, long seed, Double strength, Posterior posterior) {
        return new JobParams(steps, null, seed, strength, null, null, null, null, false, null, null, posterior);
    }

    static PipelineEndToEndTest.Run inpaint(java.nio.file.Path models, long seed, Posterior posterior) {
        return PipelineEndToEndTest.run(models, Mode.INPAINT, List.of(new Reference(REF)), B,
                TestImages.maskImage(MASK, W, H), null, params(3, seed, null, posterior));
    }

    /** Normalized SCALE·(mean + exp(logvar/2)·ε − SHIFT), ε = the stream's standard normals. */
    static float[] expectedSample(float[] image, long streamSeed) {
        float[] mean = AnalyticOracle.vaeEncode(image, H, W);
        float[] logvar = AnalyticOracle.vaeLogvar(image, H, W);
        float[] eps = GaussianNoise.sample(streamSeed, mean.length);
        float[] raw = new float[mean.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) (mean[i] + Math.exp(0.5 * logvar[i]) * eps[i]);
        }
        return AnalyticOracle.normalize(raw);
    }

    /** The masked-image latent (16,h,w) inside the Fill transformer's hidden_states [x | zc | mask]. */
    static float[] fedMaskedLatent(PipelineEndToEndTest.Run r) {
        float[] hs = r.recorder().last(Component.FILL_TRANSFORMER).inputs().get("hidden_states");
        int tokens = hs.length / 384;
        float[] packed = new float[tokens * 64];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(hs, t * 384 + 64, packed, t * 64, 64);
        }
        return ReferencePacking.unpackLatent(packed, 16, H / 8, W / 8);
    }

    static float[] maskedImage() {
        float[] img = chw(B);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < W * H; i++) {
                img[c * W * H + i] *= 1 - MASK[i];
            }
        }
        return img;
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
        }
    }

    @Test
    void meanIsTheDefaultAndFeedsThePosteriorMean() {
        PipelineEndToEndTest.Run absent = inpaint(TestModels.imageOnly(), 5L, null);
        PipelineEndToEndTest.Run mean = inpaint(TestModels.imageOnly(), 5L, Posterior.MEAN);
        assertArrayEquals(absent.result().image().rgb(), mean.result().image().rgb());
        assertClose(AnalyticOracle.normalize(AnalyticOracle.vaeEncode(maskedImage(), H, W)), fedMaskedLatent(mean),
                1e-5, "masked-image latent");
    }

    @Test
    void sampleFeedsMeanPlusStdTimesNoiseFromItsOwnStream() {
        long seed = 5L;
        PipelineEndToEndTest.Run r = inpaint(TestModels.imageOnly(), seed, Posterior.SAMPLE);
        float[] fed = fedMaskedLatent(r);
        long stream = GaussianNoise.streamSeed(seed, "vae-posterior/masked-image");
        assertClose(expectedSample(maskedImage(), stream), fed, 1e-5, "sampled masked-image latent");
        // Not the mean, and not the mean plus the initial noise's own values (a distinct stream).
        float[] mean = AnalyticOracle.normalize(AnalyticOracle.vaeEncode(maskedImage(), H, W));
        float[] xtNoise = expectedSample(maskedImage(), seed);
        double fromMean = 0;
        double fromXt = 0;
        for (int i = 0; i < fed.length; i++) {
            fromMean = Math.max(fromMean, Math.abs(fed[i] - mean[i]));
            fromXt = Math.max(fromXt, Math.abs(fed[i] - xtNoise[i]));
        }
        assertTrue(fromMean > 0.05, "sample differs from the mean by " + fromMean);
        assertTrue(fromXt > 0.05, "sample differs from one drawn with x_T's stream by " + fromXt);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherImage() {
        byte[] a = inpaint(TestModels.imageOnly(), 5L, Posterior.SAMPLE).result().image().rgb();
        byte[] again = inpaint(TestModels.imageOnly(), 5L, Posterior.SAMPLE).result().image().rgb();
        byte[] other = inpaint(TestModels.imageOnly(), 6L, Posterior.SAMPLE).result().image().rgb();
        assertArrayEquals(a, again);
        assertFalse(Arrays.equals(a, other), "another seed draws another posterior sample");
        // With the mean, the analytic Fill output does not depend on the seed at all: the difference above
        // comes from the posterior sample alone.
        assertArrayEquals(inpaint(TestModels.imageOnly(), 5L, Posterior.MEAN).result().image().rgb(),
                inpaint(TestModels.imageOnly(), 6L, Posterior.MEAN).result().image().rgb());
    }

    @Test
    void restyleStartsFromASampledInitLatent() {
        int steps = 10;
        long seed = 11L;
        PipelineEndToEndTest.Run r = PipelineEndToEndTest.run(TestModels.imageOnlyDev(), Mode.RESTYLE,
                List.of(new Reference(REF)), B, null, null, params(steps, seed, 0.6, Posterior.SAMPLE));
        Recorder.Call first = r.recorder().of(Component.DEV_TRANSFORMER).get(0);
        float sigma = first.inputs().get("timestep")[0];
        int h = H / 8;
        int w = W / 8;
        float[] noise = GaussianNoise.sample(seed, 16 * h * w);
        float[] init = expectedSample(chw(B), GaussianNoise.streamSeed(seed, "vae-posterior/init-image"));
        float[] expected = new float[noise.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = sigma * noise[i] + (1 - sigma) * init[i];
        }
        float[] fed = ReferencePacking.unpackLatent(first.inputs().get("hidden_states"), 16, h, w);
        assertClose(expected, fed, 1e-5, "x at the start step");
    }

    @Test
    void encoderWithoutLogvarServesTheMeanAndRefusesASample() {
        byte[] with = inpaint(TestModels.imageOnly(), 5L, Posterior.MEAN).result().image().rgb();
        byte[] without = inpaint(TestModels.imageOnlyWithoutLogvar(), 5L, Posterior.MEAN).result().image().rgb();
        assertArrayEquals(with, without);
        StylizeException e = assertThrows(StylizeException.class,
                () -> inpaint(TestModels.imageOnlyWithoutLogvar(), 5L, Posterior.SAMPLE));
        assertEquals(ErrorCode.MODEL_COMPONENT_MISSING, e.code());
        assertTrue(e.code().permanent());
        assertTrue(e.getMessage().contains("logvar"), e.getMessage());
    }

    @Test
    void logvarIsClampedToMinus30To20AsDiffusersDoes() {
        float[] mean = {1f, 0f, 1f, 1f};
        float[] logvar = {100f, -100f, 2f, 20f};
        float[] eps = {1f, 1f, -0.5f, 1f};
        float[] x = VaeCodec.sample(mean, logvar, eps);
        assertEquals(1 + Math.exp(10), x[0], 1e-5 * Math.exp(10));
        assertEquals(Math.exp(-15), x[1], 1e-12);
        assertEquals(1 - 0.5 * Math.exp(1), x[2], 1e-6);
        assertEquals(x[0], x[3]);
    }
}
