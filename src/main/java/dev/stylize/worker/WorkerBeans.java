package dev.stylize.worker;

import dev.stylize.pipeline.StylizePipeline;
import dev.stylize.storage.BucketPolicy;
import dev.stylize.storage.ObjectStore;
import dev.stylize.storage.RetryPolicy;
import dev.stylize.storage.S3Settings;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** Wires the plain classes (storage, job service) into CDI. */
@ApplicationScoped
public class WorkerBeans {
    @Produces
    @Singleton
    ObjectStore objectStore(WorkerConfig config) {
        WorkerConfig.S3 s3 = config.s3();
        return new ObjectStore(new S3Settings(s3.endpoint(), s3.publicEndpoint().orElse(null), s3.accessKey(),
                s3.secretKey(), s3.region()),
                new RetryPolicy(s3.retryAttempts(), Duration.ofMillis(500), s3.retryMaxBackoff()), s3.timeout());
    }

    void closeStore(@Disposes ObjectStore store) {
        store.close();
    }

    @Produces
    @Singleton
    BucketPolicy bucketPolicy(WorkerConfig config) {
        return BucketPolicy.parse(config.allowedBuckets().orElse(""));
    }

    @Produces
    @Singleton
    JobService jobService(StylizePipeline pipeline, ObjectStore store, BucketPolicy buckets, JobEvents events,
            RunningJobs running, WorkerMetrics metrics, WorkerConfig config, ShutdownState shutdown,
            AcceleratorSlots slots, Tracer tracer) {
        return new JobService(pipeline, store, buckets, events, running, metrics, config, shutdown,
                Clock.systemUTC(), slots, tracer);
    }

    @Produces
    @Singleton
    AcceleratorSlots acceleratorSlots(WorkerConfig config, WorkerMetrics metrics) {
        AcceleratorSlots slots = new AcceleratorSlots(config.slots());
        metrics.slots(slots);
        return slots;
    }
}
