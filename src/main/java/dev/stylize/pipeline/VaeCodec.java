package dev.stylize.pipeline;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.Posterior;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.HostTensor;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;
import java.util.Map;

/**
 * VAE at the pipeline's boundary: the graphs work on raw latents, the sampler on normalized ones,
 * {@code z = scale·(raw − shift)} (docs/pipeline.md#vae-encode, #vae-decode). Scale and shift come from the manifest.
 *
 * <p>The encoder's raw posterior is N(mean, exp(logvar)): its {@code latent} output is the mean, its
 * optional {@code logvar} output the log-variance. {@link Posterior#MEAN} takes the mean (BFL);
 * {@link Posterior#SAMPLE} takes {@code mean + exp(0.5·clamp(logvar, −30, 20))·ε} (diffusers'
 * {@code DiagonalGaussianDistribution.sample}, clamp included), in float32 with {@link StrictMath#exp},
 * ε = {@link GaussianNoise#sample} of the {@link Use}'s stream seed, one value per latent element in
 * canonical (c, y, x) order. Either is then normalized as above. Torch's generator cannot be
 * reproduced, so a sample matches diffusers in distribution, not value by value.
 */
final class VaeCodec {
    /** diffusers clamps the log-variance to this range before taking exp. */
    static final float LOGVAR_MIN = -30f;
    static final float LOGVAR_MAX = 20f;

    /** What an image is encoded for; each use draws its posterior noise from its own stream of the job's seed. */
    enum Use {
        MASKED_IMAGE("vae-posterior/masked-image"),
        INIT_IMAGE("vae-posterior/init-image");

        private final String stream;

        Use(String stream) {
            this.stream = stream;
        }

        /** The seed of ε for this use in a job with this seed ({@link GaussianNoise#streamSeed}). */
        long noiseSeed(long jobSeed) {
            return GaussianNoise.streamSeed(jobSeed, stream);
        }
    }

    private VaeCodec() {}

    /**
     * Fails with MODEL_COMPONENT_MISSING when {@code posterior} needs an encoder output the model set lacks
     * (a sample needs {@code logvar}), so a job learns it before any work, whether or not it encodes an image.
     */
    static void checkPosterior(ModelSet models, Posterior posterior) {
        if (posterior == Posterior.SAMPLE && !models.session(Component.VAE_ENCODER).hasOutput(Component.VaeEncoderRoles.LOGVAR)) {
            throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING, "params.posterior sample needs the VAE"
                    + " encoder's 'logvar' output, which model set '" + models.directory().manifest().id()
                    + "' does not map; use posterior mean or a model set exported with logvar");
        }
    }

    /**
     * (3,H,W) in [−1,1] → normalized latent (C,H/8,W/8): the posterior's mean, or a sample with ε drawn
     * from {@code noiseSeed} ({@link Use#noiseSeed}).
     */
    static float[] encode(ModelSet models, float[] chw, int width, int height, Posterior posterior, long noiseSeed,
            RunControl control) {
        checkPosterior(models, posterior);
        ModelManifest.Constants constants = models.constants();
        ModelSession enc = models.session(Component.VAE_ENCODER);
        Map<String, float[]> out;
        try (HostTensor in = enc.input(Component.VaeEncoderRoles.IMAGES, chw, 1, 3, height, width)) {
            out = enc.run(Map.of(Component.VaeEncoderRoles.IMAGES, in), control);
        }
        float[] raw = out.get(Component.VaeEncoderRoles.LATENT);
        if (posterior == Posterior.SAMPLE) {
            float[] logvar = out.get(Component.VaeEncoderRoles.LOGVAR);
            if (logvar.length != raw.length) {
                throw new StylizeException(ErrorCode.MODEL_IO_MISMATCH, "vae_encoder: logvar has " + logvar.length
                        + " values but latent " + raw.length);
            }
            raw = sample(raw, logvar, GaussianNoise.sample(noiseSeed, raw.length));
        }
        float scale = (float) constants.scalingFactor();
        float shift = (float) constants.shiftFactor();
        for (int i = 0; i < raw.length; i++) {
            raw[i] = scale * (raw[i] - shift);
        }
        return raw;
    }

    /** mean + exp(0.5·clamp(logvar, −30, 20))·ε, element-wise, in float32. */
    static float[] sample(float[] mean, float[] logvar, float[] eps) {
        float[] x = new float[mean.length];
        for (int i = 0; i < x.length; i++) {
            float lv = Math.min(Math.max(logvar[i], LOGVAR_MIN), LOGVAR_MAX);
            x[i] = mean[i] + (float) StrictMath.exp(0.5f * lv) * eps[i];
        }
        return x;
    }

    /** Normalized latent (C,h,w) → (3,8h,8w) nominally in [−1,1]. */
    static float[] decode(ModelSet models, float[] latent, int h, int w, RunControl control) {
        ModelManifest.Constants constants = models.constants();
        float scale = (float) constants.scalingFactor();
        float shift = (float) constants.shiftFactor();
        float[] raw = new float[latent.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = latent[i] / scale + shift;
        }
        ModelSession dec = models.session(Component.VAE_DECODER);
        try (HostTensor in = dec.input(Component.VaeDecoderRoles.LATENT, raw, 1, constants.latentChannels(), h, w)) {
            return dec.run(Map.of(Component.VaeDecoderRoles.LATENT, in), control)
                    .get(Component.VaeDecoderRoles.IMAGES);
        }
    }
}
