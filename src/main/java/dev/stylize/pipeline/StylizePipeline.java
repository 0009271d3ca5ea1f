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
    private final CanvasSizes canvasSizes;
    private final EncoderCache cache;

    /** Without caches: every job encodes its prompt and references (one-off runs, tests). */
    public StylizePipeline(ModelSet models, long maxCanvasPixels) {
        this(models, maxCanvasPixels, EncoderCache.DISABLED);
    }

    /** Canvases that follow the input, fitted under {@code maxCanvasPixels}. */
    public StylizePipeline(ModelSet models, long maxCanvasPixels, EncoderCache cache) {
        this(models, maxCanvasPixels, CanvasSizes.NONE, cache);
    }

    /** The canvas budget and canvas sizes of {@code limits} (its input limit is the fetcher's). */
    public StylizePipeline(ModelSet models, PipelineLimits limits, EncoderCache cache) {
        this(models, limits.maxCanvasPixels(), limits.canvasSizes(), cache);
    }

    private StylizePipeline(ModelSet models, long maxCanvasPixels, CanvasSizes canvasSizes, EncoderCache cache) {
        this.models = models;
        this.maxCanvasPixels = maxCanvasPixels;
        this.canvasSizes = canvasSizes;
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
        return run(job, control, progress, StepListener.NONE);
    }

    /** @param steps also told of the Euler loop's steps, before {@code progress} (the benchmark's timer) */
    StylizeResult run(StylizeRequest job, RunControl control, ProgressListener progress, StepListener steps) {
        return generate(prepare(job, control, progress), control, progress, steps);
    }

    /** The host-side stages: 1. canvas; 2. and 3. the encoders placed on the CPU. */
    public PreparedJob prepare(StylizeRequest job, RunControl control, ProgressListener progress) {
        ResolvedParams p = job.params();
        Stopwatch clock = new Stopwatch();
        progress.onPhase(Phase.ENCODING);
        // 1. The canvas: reference and target side by side (composite), or the target, and its mask.
        VaeCodec.checkPosterior(models, p.posterior());
        CanvasPlan plan = clock.time("preprocess", () -> CanvasPlan.of(p.mode(), p.transformer(),
                job.references().get(0).image(), job.target(), job.mask(), p.layout(), p.outpaint(), maxCanvasPixels,
                canvasSizes));
        List<float[]> redux = models.onAccelerator(REFERENCE_ENCODERS) ? null : reduxTokens(job, control, clock);
        TextEncoder.Embeddings text = models.onAccelerator(TEXT_ENCODERS) ? null : text(job, control, clock);
        return new PreparedJob(job, plan, redux, text, clock);
    }

    public StylizeResult generate(PreparedJob prepared, RunControl control, ProgressListener progress) {
        return generate(prepared, control, progress, StepListener.NONE);
    }

    /** The accelerator's stages, then post-processing: 2.–3. what {@link #prepare} left, 4.–10. */
    StylizeResult generate(PreparedJob prepared, RunControl control, ProgressListener progress, StepListener steps) {
        StylizeRequest job = prepared.job;
        ResolvedParams p = job.params();
        CanvasPlan plan = prepared.plan;
        Stopwatch clock = prepared.clock;
        ModelManifest.Constants constants = models.constants();
        LatentGrid grid = new LatentGrid(constants.latentChannels(), plan.height() / constants.vaeScaleFactor(),
                plan.width() / constants.vaeScaleFactor());

        List<float[]> redux = prepared.reduxTokens != null ? prepared.reduxTokens : reduxTokens(job, control, clock);
        TextEncoder.Embeddings text = prepared.text != null ? prepared.text : text(job, control, clock);
        // 4. The transformer's text sequence and pooled vector: T5 tokens, then the Redux tokens, per the blend.
        ReferenceConditioning.Result blend = ReferenceConditioning.of(text, redux, job.references(), p, constants);
        int textRows = blend.sequence().length / constants.textWidth();

        // 5. Fill conditioning: the masked image's latent beside the packed mask.
        float[] canvas = plan.canvas().toChwFloat();
        float[] fillColumns = p.transformer() != Transformer.FILL ? null
                : clock.time("vae_encode", () -> FillConditioning.encode(models, plan, canvas, p.posterior(),
                        VaeCodec.Use.MASKED_IMAGE.noiseSeed(p.seed()), control));
        Denoiser.Conditioning conditioning = new Denoiser.Conditioning(blend.sequence(), textRows,
                constants.textWidth(), blend.pooled(), fillColumns);

        // 6. The σ schedule, from t_start for img2img.
        Denoiser.Schedule schedule = new Denoiser.Schedule(FlowSchedule.sigmas(p.steps(), grid.tokens()),
                FlowSchedule.startIndex(p.steps(), p.strength()));

        // 7. The start latent: noise, or noise blended into the canvas' latent (img2img), packed.
        float[] init = !plan.initFromCanvas() || schedule.start() == 0 ? null
                : clock.time("vae_encode_init", () -> VaeCodec.encode(models, canvas, plan.width(), plan.height(),
                        p.posterior(), VaeCodec.Use.INIT_IMAGE.noiseSeed(p.seed()), control));
        float[] x = LatentPacking.pack(GaussianNoise.startLatent(p.seed(), schedule.startSigma(), init, grid.values()),
                grid.channels(), grid.h(), grid.w());

        // 8. The Euler loop of the flow-matching transformer.
        progress.onPhase(Phase.DENOISING);
        Component transformer = p.transformer() == Transformer.DEV
                ? Component.DEV_TRANSFORMER : Component.FILL_TRANSFORMER;
        StepListener listener = steps.andThen(new EtaProgress(progress));
        float[] latent = clock.time("denoise", () -> Denoiser.run(models.session(transformer), x, grid, conditioning,
                schedule, (float) p.guidance(), p.previewEvery(), control, listener));

        // 9. Unpack and decode.
        progress.onPhase(Phase.DECODING);
        float[] image = clock.time("vae_decode", () -> VaeCodec.decode(models,
                LatentPacking.unpack(latent, grid.channels(), grid.h(), grid.w()), grid.h(), grid.w(), control));
        // 10. 8-bit, the output region, its size, paste-back.
        RgbImage out = clock.time("postprocess", () -> PostProcess.finish(image, plan, p.pasteBack()));
        return new StylizeResult(out, p.seed(), clock.timings(), plan.width(), plan.height(), grid.tokens(), textRows);
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
