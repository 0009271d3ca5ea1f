package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.Phase;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.Transformer;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One job, top to bottom, in the order of BFL's fill sampling ({@code cli_fill.py}: {@code prepare_fill},
 * {@code get_schedule}, {@code denoise}, {@code unpack}, {@code ae.decode}); docs/pipeline.md walks
 * through each step. Split in two so a worker can overlap jobs: {@link #prepare} runs what the host's
 * cores do (canvas, and the encoders the model set places on the CPU, e.g. T5 and CLIP), {@link #generate}
 * what needs the accelerator (the other encoders, VAE, the denoising loop) and the post-processing.
 */
public final class StylizePipeline {
    /** Encoders that run as one step: a group runs host-side only if none of them is on the accelerator. */
    private static final Component[] REFERENCE_ENCODERS = {Component.SIGLIP, Component.REDUX};
    private static final Component[] TEXT_ENCODERS = {Component.T5, Component.CLIP};

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
        return generate(prepare(job, control, progress), control, progress, timer);
    }

    /** The host-side stages: 1. canvas; 2. and 3. the encoders placed on the CPU. */
    public PreparedJob prepare(StylizeRequest job, RunControl control, ProgressListener progress) {
        ResolvedParams p = job.params();
        Stopwatch clock = new Stopwatch();
        progress.onPhase(Phase.ENCODING);
        // 1. The canvas: reference and target side by side (composite), or the target, and its mask.
        VaeCodec.checkPosterior(models, p.posterior());
        CanvasPlan plan = clock.time("preprocess", () -> CanvasPlan.of(p.mode(), p.transformer(),
                job.references().get(0).image(), job.target(), job.mask(), p.layout(), p.outpaint(), maxCanvasPixels));
        List<float[]> redux = models.onAccelerator(REFERENCE_ENCODERS) ? null : reduxTokens(job, control, clock);
        TextEncoder.Embeddings text = models.onAccelerator(TEXT_ENCODERS) ? null : text(job, control, clock);
        return new PreparedJob(job, plan, redux, text, clock);
    }

    public StylizeResult generate(PreparedJob prepared, RunControl control, ProgressListener progress) {
        return generate(prepared, control, progress, Denoiser.StepTimer.NONE);
    }

    /** The accelerator's stages, then post-processing: 2.–3. what {@link #prepare} left, 4.–9. */
    StylizeResult generate(PreparedJob prepared, RunControl control, ProgressListener progress,
            Denoiser.StepTimer timer) {
        StylizeRequest job = prepared.job;
        ResolvedParams p = job.params();
        CanvasPlan plan = prepared.plan;
        Stopwatch clock = prepared.clock;
        ModelManifest.Constants constants = models.constants();
        int channels = constants.latentChannels();
        int h = plan.height() / constants.vaeScaleFactor();
        int w = plan.width() / constants.vaeScaleFactor();
        int tokens = (h / 2) * (w / 2);

        List<float[]> redux = prepared.reduxTokens != null ? prepared.reduxTokens : reduxTokens(job, control, clock);
        TextEncoder.Embeddings text = prepared.text != null ? prepared.text : text(job, control, clock);
        // 4. The transformer's text sequence and pooled vector: T5 tokens, then the Redux tokens, per the blend.
        ReferenceConditioning.Result conditioning = ReferenceConditioning.of(text, redux, job.references(), p, constants);
        float[] txt = conditioning.sequence();
        int textRows = txt.length / constants.textWidth();

        // 5. Fill conditioning: the masked image's latent beside the packed mask.
        float[] canvas = plan.canvas().toChwFloat();
        float[] cond = p.transformer() != Transformer.FILL ? null
                : clock.time("vae_encode", () -> FillConditioning.encode(models, plan, canvas, p.posterior(),
                        VaeCodec.Use.MASKED_IMAGE.noiseSeed(p.seed()), control));

        // 6. Schedule, and the start latent: noise, or noise blended into the canvas' latent (img2img).
        float[] sigmas = FlowSchedule.sigmas(p.steps(), tokens);
        int start = FlowSchedule.startIndex(p.steps(), p.strength());
        float[] init = !plan.initFromCanvas() || start == 0 ? null
                : clock.time("vae_encode_init", () -> VaeCodec.encode(models, canvas, plan.width(), plan.height(),
                        p.posterior(), VaeCodec.Use.INIT_IMAGE.noiseSeed(p.seed()), control));
        float[] x = LatentPacking.pack(GaussianNoise.startLatent(p.seed(), sigmas[start], init, channels * h * w),
                channels, h, w);

        // 7. The Euler loop of the flow-matching transformer.
        progress.onPhase(Phase.DENOISING);
        Component component = p.transformer() == Transformer.DEV ? Component.DEV_TRANSFORMER : Component.FILL_TRANSFORMER;
        Denoiser.Inputs inputs = new Denoiser.Inputs(x, cond, channels, h, w, txt,
                textRows, constants.textWidth(), conditioning.pooled(), (float) p.guidance(), sigmas, start, p.previewEvery());
        float[] latent = clock.time("denoise",
                () -> Denoiser.run(models.session(component), inputs, control, progress, timer));

        // 8. Unpack and decode.
        progress.onPhase(Phase.DECODING);
        float[] image = clock.time("vae_decode", () -> VaeCodec.decode(models,
                LatentPacking.unpack(latent, channels, h, w), h, w, control));
        // 9. 8-bit, the output region, its size, paste-back.
        RgbImage out = clock.time("postprocess", () -> PostProcess.finish(image, plan, p.pasteBack()));
        return new StylizeResult(out, p.seed(), clock.timings(), plan.width(), plan.height(), tokens, textRows);
    }

    /** 2. SigLIP + Redux per reference, and the leakage controls applied to each reference's tokens. */
    private List<float[]> reduxTokens(StylizeRequest job, RunControl control, Stopwatch clock) {
        return clock.time("redux", () -> ReduxEncoder.encode(models, job.references(), job.params(), control, cache));
    }

    /** 3. T5 sequence and CLIP pooled vector of the prompt. */
    private TextEncoder.Embeddings text(StylizeRequest job, RunControl control, Stopwatch clock) {
        return clock.time("text", () -> TextEncoder.encode(models, job.prompt(), control, cache));
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
