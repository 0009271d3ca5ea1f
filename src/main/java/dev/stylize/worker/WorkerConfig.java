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
    /** Pipeline slots: requests processed at once (one per GPU). */
    @WithDefault("1")
    int slots();

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
         * Tries per S3 call before a job fails with STORAGE_UNAVAILABLE; waits double from 0.5 s up to
         * {@link #retryMaxBackoff()} (the defaults ride out about 35 s of S3 downtime).
         */
        @WithDefault("8")
        int retryAttempts();

        @WithDefault("PT10S")
        Duration retryMaxBackoff();
    }
}
