package dev.stylize.pipeline;

import dev.stylize.imaging.PasteBack;
import dev.stylize.imaging.Resampler;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.ModeDefaults;
import dev.stylize.job.Phase;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.job.Transformer;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One job, top to bottom, as in spec §7: canvas → Redux tokens → text → masked-image latent →
 * conditioning → schedule → Euler loop → decode → crop → paste-back.
 */
public final class StylizePipeline {
    private final ModelSet models;
    private final long maxCanvasPixels;
    private final EncoderCache cache;

    /** Without caches: every job encodes its prompt and references (one-off runs, tests). */
    public StylizePipeline(ModelSet models, long maxCanvasPixels) {
        this(models, maxCanvasPixels, EncoderCache.DISABLED);
    }

    public StylizePipeline(ModelSet models, long maxCanvasPixels, EncoderCache cache) {
        this.models = models;
        this.maxCanvasPixels = maxCanvasPixels;
        this.cache = cache;
    }

    public ModelSet models() {
        return models;
    }

    /**
     * The Redux tokens of the reference image with this identity, if the cache holds them (for this model
     * set): a fetcher that gets them need not download or decode the image.
     */
    public Optional<float[]> cachedReduxTokens(String identity) {
        return cache.cachedRedux(ReduxEncoder.cacheKey(models, identity));
    }

    public StylizeResult run(StylizeRequest job, RunControl control, ProgressListener progress) {
        return run(job, control, progress, Denoiser.StepTimer.NONE);
    }

    StylizeResult run(StylizeRequest job, RunControl control, ProgressListener progress, Denoiser.StepTimer timer) {
        ResolvedParams p = job.params();
        ModelManifest.Constants k = models.constants();
        Stopwatch clock = new Stopwatch();
        progress.onPhase(Phase.ENCODING);
        VaeCodec.checkPosterior(models, p.posterior());

        CanvasPlan plan = clock.time("preprocess", () -> CanvasPlan.of(p.mode(), p.transformer(),
                job.references().get(0).image(), job.target(), job.mask(), p.layout(), p.outpaint(), maxCanvasPixels));
        int h = plan.height() / k.vaeScaleFactor();
        int w = plan.width() / k.vaeScaleFactor();
        int tokens = (h / 2) * (w / 2);

        var redux = clock.time("redux", () -> ReduxEncoder.encode(models, job.references(), p, control, cache));
        TextEncoder.Embeddings text = clock.time("text", () -> TextEncoder.encode(models, job.prompt(), control, cache));
        var conditioning = ReferenceConditioning.of(text, redux, job.references(), p, k);
        float[] txt = conditioning.sequence();
        int textRows = txt.length / k.textWidth();

        float[] canvas = plan.canvas().toChwFloat();
        float[] cond = null;
        float[] init = null;
        if (p.transformer() == Transformer.FILL) {
            float[] masked = maskedImage(canvas, plan.mask());
            float[] zc = clock.time("vae_encode", () -> VaeCodec.encode(models, masked, plan.width(), plan.height(),
                    p.posterior(), VaeCodec.Use.MASKED_IMAGE.noiseSeed(p.seed()), control));
            cond = fillConditioning(zc, plan.mask(), k.latentChannels(), h, w, plan.width(), plan.height());
        }
        float[] sigmas = FlowSchedule.sigmas(p.steps(), tokens);
        int start = FlowSchedule.startIndex(p.steps(), p.strength());
        if (plan.initFromCanvas() && start > 0) {
            init = clock.time("vae_encode_init", () -> VaeCodec.encode(models, canvas, plan.width(), plan.height(),
                    p.posterior(), VaeCodec.Use.INIT_IMAGE.noiseSeed(p.seed()), control));
        }
        float[] x = LatentPacking.pack(startLatent(p.seed(), sigmas[start], init, k.latentChannels() * h * w),
                k.latentChannels(), h, w);

        progress.onPhase(Phase.DENOISING);
        Component component = p.transformer() == Transformer.DEV ? Component.DEV_TRANSFORMER : Component.FILL_TRANSFORMER;
        Denoiser.Inputs inputs = new Denoiser.Inputs(x, cond, k.latentChannels(), h, w, txt,
                textRows, k.textWidth(), conditioning.pooled(), (float) p.guidance(), sigmas, start, p.previewEvery());
        float[] latent = clock.time("denoise",
                () -> Denoiser.run(models.session(component), inputs, control, progress, timer));

        progress.onPhase(Phase.DECODING);
        float[] image = clock.time("vae_decode", () -> VaeCodec.decode(models,
                LatentPacking.unpack(latent, k.latentChannels(), h, w), h, w, control));
        RgbImage out = clock.time("postprocess", () -> finish(image, plan, p));
        return new StylizeResult(out, p.seed(), clock.timings(), plan.width(), plan.height(), tokens, textRows);
    }

    /** image·(1 − mask) in [−1,1]: masked pixels become 0, mid-grey (spec §3.3). */
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

    /** [packed masked-image latent (4C) | packed mask (256)] per token (spec §3.7). */
    static float[] fillConditioning(float[] zc, float[] mask, int channels, int h, int w, int width, int height) {
        int tokens = (h / 2) * (w / 2);
        int latentWidth = channels * 4;
        int condWidth = latentWidth + 256;
        float[] cond = new float[tokens * condWidth];
        LatentPacking.packInto(zc, channels, h, w, cond, condWidth, 0);
        float[] m = LatentPacking.packMask(mask, height, width);
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(m, t * 256, cond, t * condWidth + latentWidth, 256);
        }
        return cond;
    }

    /** σ·E + (1 − σ)·z_init (spec §5); pure noise when there is no init latent. */
    static float[] startLatent(long seed, float sigma, float[] init, int count) {
        float[] noise = GaussianNoise.sample(seed, count);
        if (init == null) {
            return noise;
        }
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = sigma * noise[i] + (1 - sigma) * init[i];
        }
        return x;
    }

    /** 8-bit conversion, crop of the output region, resize to the output size, paste-back. */
    private static RgbImage finish(float[] chw, CanvasPlan plan, ResolvedParams p) {
        int width = plan.width();
        int height = plan.height();
        int n = width * height;
        if (chw.length != 3 * n) {
            throw new StylizeException(ErrorCode.INFERENCE_FAILED, "VAE decoder returned " + chw.length
                    + " values for a " + width + "x" + height + " canvas");
        }
        byte[] rgb = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            rgb[3 * i] = (byte) PixelConversion.toUint8(chw[i]);
            rgb[3 * i + 1] = (byte) PixelConversion.toUint8(chw[n + i]);
            rgb[3 * i + 2] = (byte) PixelConversion.toUint8(chw[2 * n + i]);
        }
        RgbImage decoded = new RgbImage(width, height, rgb, null);
        RgbImage region = (plan.regionWidth() == width && plan.regionHeight() == height) ? decoded
                : decoded.crop(plan.regionX(), plan.regionY(), plan.regionWidth(), plan.regionHeight());
        RgbImage out = (region.width() == plan.outputWidth() && region.height() == plan.outputHeight()) ? region
                : Resampler.resize(region, plan.outputWidth(), plan.outputHeight(), Resampler.Filter.LANCZOS);
        if (p.pasteBack() && plan.keepMask() != null && !covers(plan.keepMask())) {
            out = PasteBack.feathered(plan.keepImage(), out, plan.keepMask(), ModeDefaults.FEATHER_PX);
        }
        return out;
    }

    /** True when the mask selects every pixel: paste-back would keep nothing of the original. */
    private static boolean covers(float[] mask) {
        for (float v : mask) {
            if (v < 0.5f) {
                return false;
            }
        }
        return true;
    }

    /** Wall time per named stage, in insertion order. */
    static final class Stopwatch {
        private final Map<String, Long> timings = new LinkedHashMap<>();

        <T> T time(String stage, java.util.function.Supplier<T> work) {
            long t0 = System.nanoTime();
            try {
                return work.get();
            } finally {
                timings.merge(stage, (System.nanoTime() - t0) / 1_000_000, Long::sum);
            }
        }

        Map<String, Long> timings() {
            return timings;
        }
    }
}
