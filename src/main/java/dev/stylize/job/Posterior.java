package dev.stylize.job;

import java.util.Locale;

/**
 * Which latent the VAE encoder's posterior gives for the masked image (Fill) and the img2img init image
 * (docs/pipeline.md#vae-encode): its mean, as BFL's {@code AutoEncoder(sample_z=False)}, or a sample
 * {@code mean + exp(logvar/2)·ε}, as diffusers' {@code retrieve_latents} (sample mode). ε is drawn from
 * the job's seed, on streams of its own (see {@code pipeline.VaeCodec}), so a sample is as repeatable as
 * the rest of the job. A sample needs a VAE encoder that outputs {@code logvar}.
 */
public enum Posterior {
    MEAN,
    SAMPLE;

    public static Posterior parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, "posterior must be mean or sample, got '" + s + "'");
        }
    }
}
