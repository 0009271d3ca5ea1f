package dev.stylize.pipeline;

import java.util.List;
import java.util.Map;

/**
 * A job after its host-side stages ({@link StylizePipeline#prepare}): the canvas, and the conditioning
 * of the encoders that run on the host's cores. What an accelerator computes is left to
 * {@link StylizePipeline#generate}. Holds the job's decoded images and embeddings: one per pipeline
 * slot waits ahead at most, which bounds their memory.
 */
public final class PreparedJob {
    final StylizeRequest job;
    final CanvasPlan plan;
    /** Per reference; null when the reference encoders run on the accelerator (then in {@code generate}). */
    final List<float[]> reduxTokens;
    /** Null when a text encoder runs on the accelerator. */
    final TextEncoder.Embeddings text;
    final StylizePipeline.Stopwatch clock;

    PreparedJob(StylizeRequest job, CanvasPlan plan, List<float[]> reduxTokens, TextEncoder.Embeddings text,
            StylizePipeline.Stopwatch clock) {
        this.job = job;
        this.plan = plan;
        this.reduxTokens = reduxTokens;
        this.text = text;
        this.clock = clock;
    }

    public StylizeRequest job() {
        return job;
    }

    /** Milliseconds per host-side stage so far. */
    public Map<String, Long> timingsMs() {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clock.timings()));
    }
}
