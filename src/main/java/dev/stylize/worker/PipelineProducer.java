package dev.stylize.worker;

import com.github.benmanes.caffeine.cache.Cache;
import dev.stylize.analytic.BundledModels;
import dev.stylize.pipeline.CanvasSizes;
import dev.stylize.pipeline.EncoderCache;
import dev.stylize.pipeline.PipelineLimits;
import dev.stylize.pipeline.StylizePipeline;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.Provider;
import dev.stylize.runtime.RuntimeConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** Loads the model set once at startup; readiness stays down until it has. */
@ApplicationScoped
public class PipelineProducer {
    private static final Logger LOG = Logger.getLogger(PipelineProducer.class);

    @Produces
    @Singleton
    ModelSet models(WorkerConfig config, MeterRegistry registry) {
        Path dir = config.models().orElseGet(BundledModels::ensure);
        Map<Component, Provider> overrides = new EnumMap<>(Component.class);
        config.providers().forEach((k, v) -> overrides.put(Component.fromKey(k), Provider.parse(v)));
        RuntimeConfig runtime = new RuntimeConfig(config.provider().map(Provider::parse).orElse(null), overrides, 0,
                config.tensorrtCache().orElse(null), 0, config.verifyModelChecksums())
                .withSimulatedGpu(config.simulateGpu())
                .withImageTokens(limits(config).imageTokens());
        long t0 = System.nanoTime();
        ModelSet set = ModelSet.load(dir, runtime, null);
        LOG.infof("phase=MODELS_LOADED models=%s manifestSha256=%s ms=%d", set.directory().manifest().id(),
                set.directory().manifestSha256(), (System.nanoTime() - t0) / 1_000_000);
        monitor(registry, set);
        return set;
    }

    /**
     * stylize_session_runs_total and stylize_session_run_seconds_total per component (accelerator="true"
     * for a GPU provider or a simulated GPU): where inference time goes, and proof that a cache hit ran no
     * encoder (docs/benchmarks.md).
     */
    private static void monitor(MeterRegistry registry, ModelSet set) {
        for (Component c : Component.values()) {
            set.optional(c).ifPresent(s -> {
                Tags tags = Tags.of("component", c.key(), "accelerator", Boolean.toString(s.onAccelerator()));
                FunctionCounter.builder("stylize_session_runs", s, ModelSession::runCount).tags(tags)
                        .description("session.run calls").register(registry);
                FunctionCounter.builder("stylize_session_run_seconds", s, x -> x.runNanos() / 1e9).tags(tags)
                        .description("time in session.run (with a simulated GPU: the cheap graph plus the wait)")
                        .register(registry);
            });
        }
    }

    void close(@Disposes ModelSet set) {
        set.close();
    }

    @Produces
    @Singleton
    StylizePipeline pipeline(ModelSet models, WorkerConfig config, MeterRegistry registry) {
        EncoderCache cache = new EncoderCache(config.encoderCache().promptBytes(), config.encoderCache().reduxBytes());
        monitor(registry, cache.promptCache(), "prompt");
        monitor(registry, cache.reduxCache(), "redux");
        return new StylizePipeline(models, limits(config), cache);
    }

    /**
     * The canvas budget and sizes, for both the pipeline and the transformers' TensorRT profile. Built first
     * with the models, at start-up: bad canvas sizes fail the start, not the first job.
     */
    static PipelineLimits limits(WorkerConfig config) {
        try {
            return new PipelineLimits(config.maxInputPixels(), config.maxCanvasPixels(),
                    CanvasSizes.parse(config.canvasSizes().orElse(null)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("STYLIZE_CANVAS_SIZES (stylize.canvas-sizes): " + e.getMessage(), e);
        }
    }

    /** Micrometer's cache_{gets,evictions,size,…}{cache="stylize_encoder_<name>"} and the bytes held. */
    private static void monitor(MeterRegistry registry, Cache<String, ?> cache, String name) {
        if (cache == null) {
            return;
        }
        CaffeineCacheMetrics.monitor(registry, cache, "stylize_encoder_" + name);
        registry.gauge("stylize_encoder_cache_bytes", Tags.of("cache", name), cache,
                c -> c.policy().eviction().map(e -> (double) e.weightedSize().orElse(0)).orElse(0.0));
    }
}
