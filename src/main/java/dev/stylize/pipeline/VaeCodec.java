package dev.stylize.pipeline;

import dev.stylize.runtime.Component;
import dev.stylize.runtime.HostTensor;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;
import java.util.Map;

/**
 * VAE at the pipeline's boundary: the graphs work on raw latents, the sampler on normalized ones,
 * {@code z = scale·(raw − shift)} (spec §3.4, §8). Scale and shift come from the manifest.
 */
final class VaeCodec {
    private VaeCodec() {}

    /** (3,H,W) in [−1,1] → normalized latent (C,H/8,W/8). */
    static float[] encode(ModelSet models, float[] chw, int width, int height, RunControl control) {
        ModelManifest.Constants k = models.constants();
        ModelSession enc = models.session(Component.VAE_ENCODER);
        float[] raw;
        try (HostTensor in = enc.input("images", chw, 1, 3, height, width)) {
            raw = enc.run(Map.of("images", in), control).get("latent");
        }
        float scale = (float) k.scalingFactor();
        float shift = (float) k.shiftFactor();
        for (int i = 0; i < raw.length; i++) {
            raw[i] = scale * (raw[i] - shift);
        }
        return raw;
    }

    /** Normalized latent (C,h,w) → (3,8h,8w) nominally in [−1,1]. */
    static float[] decode(ModelSet models, float[] latent, int h, int w, RunControl control) {
        ModelManifest.Constants k = models.constants();
        float scale = (float) k.scalingFactor();
        float shift = (float) k.shiftFactor();
        float[] raw = new float[latent.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = latent[i] / scale + shift;
        }
        ModelSession dec = models.session(Component.VAE_DECODER);
        try (HostTensor in = dec.input("latent", raw, 1, k.latentChannels(), h, w)) {
            return dec.run(Map.of("latent", in), control).get("images");
        }
    }
}
