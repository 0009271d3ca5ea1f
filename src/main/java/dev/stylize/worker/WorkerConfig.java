package dev.stylize.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The worker's settings ({@code stylize.*}); environment variables map as usual (STYLIZE_SLOTS, ...). */
@ConfigMapping(prefix = "stylize")
public interface WorkerConfig {
    /** The state bucket of the embedded stack and of a default install. */
    String DEFAULT_STATE_BUCKET = "stylize-state";

    /**
     * What this process is: the worker ({@code serve}) or the HTTP gateway ({@code gateway}, whose config
     * profile sets it). The worker's start-up beans (model loading, the drain on SIGTERM) run only in a worker.
     */
    @WithDefault("worker")
    Role role();

    enum Role { WORKER, GATEWAY }

    /** Pipeline slots: requests processed at once (one per GPU). */
    @WithDefault("1")
    int slots();

    /**
     * Overlap jobs in a slot: while one job holds the accelerator (VAE, denoising), the next one is
     * fetched and its host-side encoders run (README "Pipelining"). Off: one job at a time per slot.
     */
    @WithDefault("true")
    boolean pipelining();

    /**
     * Benchmarks only (docs/cost-model.md): the components a cost-profile model set places on a GPU run
     * their cheap graph and then wait for their modelled time, as if a GPU ran them.
     */
    @WithDefault("false")
    boolean simulateGpu();

    /** Longest job; the consumer's stuck-record health check allows this long. */
    @WithDefault("1800000")
    long maxJobMs();

    /** Model directory with manifest.json; absent = the bundled analytic set. */
    Optional<Path> models();

    /** Execution provider for every component (cpu, cuda, tensorrt); absent = the manifest's choice. */
    Optional<String> provider();

    /** Per-component provider overrides, e.g. {@code stylize.providers.t5=cpu}. */
    Map<String, String> providers();

    /** TensorRT engine cache (on a persistent volume in Kubernetes). */
    Optional<Path> tensorrtCache();

    @WithDefault("true")
    boolean verifyModelChecksums();

    /** Largest input image, checked from its header before decoding. */
    @WithDefault("36000000")
    long maxInputPixels();

    /** The canvas the model sees is fitted under this many pixels. */
    @WithDefault("2097152")
    long maxCanvasPixels();

    /**
     * {@code WxH,WxH,…}: every canvas is resized to the size closest in aspect ratio, so the transformer (and
     * its TensorRT profile) sees only these token counts; the first is TensorRT's optimum. Absent = canvases
     * follow the input. Parsed and checked at start-up (dev.stylize.pipeline.CanvasSizes).
     */
    @WithName("canvas-sizes")
    Optional<String> canvasSizes();

    /** Largest object fetched from S3. */
    @WithDefault("67108864")
    long maxObjectBytes();

    /** A job that crashed its worker this many times ends FAILED (MAX_ATTEMPTS_EXCEEDED). */
    @WithDefault("3")
    int maxAttempts();

    /** How long a running job may finish after SIGTERM before it is cancelled (and redelivered). */
    @WithDefault("PT5M")
    Duration shutdownGrace();

    /** Comma-separated buckets the worker may read and write; {@code *} = any; absent = none. */
    Optional<String> allowedBuckets();

    /**
     * Transient faults of a job (object store unavailable, an inference or internal failure) are retried
     * within the job for this long in all, never past its deadline; only then the job fails.
     */
    @WithDefault("PT10M")
    Duration retryBudget();

    /** Longest pause between two tries of a failing step (pauses double from 1 s). */
    @WithDefault("PT30S")
    Duration retryMaxPause();

    /**
     * When a rebalance takes a running job's partition away (scale-up), the job may finish and commit
     * for this long before it is released to the partition's new owner. Keep it well under the
     * consumer's {@code max.poll.interval.ms} (5 min), or the worker is dropped from the group.
     */
    @WithDefault("PT60S")
    Duration rebalanceDrain();

    /** Largest value copied to the dead-letter topic; a larger request is copied cut to this size. */
    @WithDefault("524288")
    int dlqMaxValueBytes();

    /** Caches of what the conditioning encoders compute, on the heap (README "Caches"). */
    EncoderCache encoderCache();

    interface EncoderCache {
        /** Bytes of prompt embeddings (FLUX.1: T5 512×4096 + CLIP 768 floats ≈ 8 MiB a prompt); 0 = off. */
        @WithDefault("268435456")
        long promptBytes();

        /** Bytes of Redux tokens (FLUX.1: 729×4096 floats ≈ 11.4 MiB a reference image); 0 = off. */
        @WithDefault("536870912")
        long reduxBytes();
    }

    /** The worker's own bucket for job state: attempt markers and the record of each success. */
    State state();

    interface State {
        /** Keep it off the allow-list: no request may read or write it. */
        @WithDefault(DEFAULT_STATE_BUCKET)
        String bucket();

        /** Key prefix of the job state; {@code <prefix>/<jobId>/…}. */
        @WithDefault("jobs")
        String prefix();
    }

    S3 s3();

    interface S3 {
        String endpoint();

        /** Endpoint presigned URLs are signed for, when clients reach S3 by another address. */
        Optional<String> publicEndpoint();

        String accessKey();

        String secretKey();

        @WithDefault("us-east-1")
        String region();

        @WithName("presign-ttl")
        @WithDefault("PT1H")
        Duration presignTtl();

        /**
         * Tries per S3 call before the call fails with STORAGE_UNAVAILABLE (and the job's own retry takes
         * over, see {@link WorkerConfig#retryBudget()}); waits double from 0.5 s up to {@link #retryMaxBackoff()}.
         */
        @WithDefault("8")
        int retryAttempts();

        @WithDefault("PT10S")
        Duration retryMaxBackoff();

        /**
         * Longest wait to connect, or for the next bytes of a request or an answer: a frozen server is
         * noticed, and the call retried, after this long.
         */
        @WithDefault("PT5S")
        Duration timeout();
    }
}
