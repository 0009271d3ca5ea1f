package dev.stylize.pipeline;

import dev.stylize.job.Posterior;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;

/**
 * The Fill transformer's conditioning: the masked image through the VAE encoder, packed, beside the
 * packed mask (BFL {@code prepare_fill}; diffusers {@code FluxFillPipeline.prepare_mask_latents}).
 * Per image token: [packed masked-image latent (4·C) | packed mask (8·8·4 = 256)].
 */
final class FillConditioning {
    /** Values per token of the packed mask: an 8×8 pixel patch per latent cell, 2×2 cells per token. */
    static final int MASK_WIDTH = LatentPacking.PACKED_MASK_CHANNELS;

    private FillConditioning() {}

    /** The conditioning of every image token, (tokens × (4·C + 256)). */
    static float[] encode(ModelSet models, CanvasPlan plan, float[] canvasChw, Posterior posterior, long noiseSeed,
            RunControl control) {
        int channels = models.constants().latentChannels();
        int scale = models.constants().vaeScaleFactor();
        float[] masked = maskedImage(canvasChw, plan.mask());
        float[] latent = VaeCodec.encode(models, masked, plan.width(), plan.height(), posterior, noiseSeed, control);
        return pack(latent, plan.mask(), channels, plan.height() / scale, plan.width() / scale, plan.width(),
                plan.height());
    }

    /** image·(1 − mask) in [−1,1]: masked pixels become 0, mid-grey. */
    static float[] maskedImage(float[] chw, float[] mask) {
        int n = mask.length;
        float[] out = new float[chw.length];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                out[c * n + i] = chw[c * n + i] * (1 - mask[i]);
            }
        }
        return out;
    }

    /** [packed masked-image latent (4C) | packed mask (256)] per token. */
    static float[] pack(float[] latent, float[] mask, int channels, int h, int w, int width, int height) {
        int tokens = (h / 2) * (w / 2);
        int latentWidth = channels * 4;
        int condWidth = latentWidth + MASK_WIDTH;
        float[] cond = new float[tokens * condWidth];
        LatentPacking.packInto(latent, channels, h, w, cond, condWidth, 0);
        float[] m = LatentPacking.packMask(mask, height, width);
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(m, t * MASK_WIDTH, cond, t * condWidth + latentWidth, MASK_WIDTH);
        }
        return cond;
    }
}
