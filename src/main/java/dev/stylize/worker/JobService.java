package dev.stylize.worker;

import dev.stylize.imaging.ImageEncoder;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.job.JobRequest.ReferenceRef;
import dev.stylize.job.ModelInfo;
import dev.stylize.job.OutputInfo;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.Phase;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.ResultEvent;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.GaussianNoise;
import dev.stylize.pipeline.StylizePipeline;
import dev.stylize.pipeline.StylizeRequest;
import dev.stylize.pipeline.StylizeResult;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.Sha256;
import dev.stylize.storage.BucketPolicy;
import dev.stylize.storage.ObjectStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One delivery of a request, from bytes to a published terminal result: validate, check deadline,
 * cancellation and attempt cap, answer from an existing verified output, else fetch, run the
 * pipeline, upload and publish. Every outcome ends in exactly one result event, except a job
 * interrupted by shutdown, which ends in {@link ShutdownInterruption} so its offset is not committed.
 */
public final class JobService {
    private static final Logger LOG = Logger.getLogger(JobService.class);
    static final String META_SHA256 = "sha256";
    static final String META_SEED = "seed";
    static final String META_WIDTH = "width";
    static final String META_HEIGHT = "height";

    /** Thrown when shutdown cancelled a running job: no result, no commit, the job is redelivered. */
    public static final class ShutdownInterruption extends RuntimeException {
        ShutdownInterruption(String jobId) {
            super("job " + jobId + " interrupted by shutdown; it will be redelivered");
        }
    }

    private final StylizePipeline pipeline;
    private final ObjectStore store;
    private final BucketPolicy buckets;
    private final JobEvents events;
    private final CancellationRegistry cancellations;
    private final WorkerMetrics metrics;
    private final WorkerConfig config;
    private final ShutdownState shutdown;
    private final Clock clock;
    private final InputFetcher inputs;

    public JobService(StylizePipeline pipeline, ObjectStore store, BucketPolicy buckets, JobEvents events,
            CancellationRegistry cancellations, WorkerMetrics metrics, WorkerConfig config, ShutdownState shutdown,
            Clock clock) {
        this.pipeline = pipeline;
        this.store = store;
        this.buckets = buckets;
        this.events = events;
        this.cancellations = cancellations;
        this.metrics = metrics;
        this.config = config;
        this.shutdown = shutdown;
        this.clock = clock;
        this.inputs = new InputFetcher(store, config);
    }

    public void process(String key, byte[] value) {
        if (shutdown.isShuttingDown()) {
            throw new ShutdownInterruption(key); // stop taking jobs: leave it uncommitted for another pod
        }
        JobRequest request;
        try {
            request = JobJson.parseRequest(value);
        } catch (StylizeException e) {
            LOG.warnf("job=%s phase=REJECTED code=%s message=%s", key, e.code(), e.getMessage());
            events.deadLetter(key, value, e.code(), e.getMessage());
            // With a readable job id the client following results learns why, too.
            JobJson.peekJobId(value).ifPresent(jobId -> publish(failed(jobId, 1, e.code(), e.getMessage(), Map.of(), null)));
            metrics.rejected(e.code());
            return;
        }
        MDC.put("jobId", request.jobId());
        try {
            run(request);
        } finally {
            MDC.remove("jobId");
        }
    }

    private void run(JobRequest req) {
        String jobId = req.jobId();
        Map<Phase, Long> timings = new LinkedHashMap<>();
        long started = System.nanoTime();
        OutputLayout layout = OutputLayout.of(req.output(), jobId);
        int attempt = 0;
        RunControl control = new RunControl();
        cancellations.started(jobId, control);
        metrics.started();
        try {
            if (req.deadline() != null && clock.instant().isAfter(req.deadline())) {
                LOG.infof("job=%s phase=EXPIRED deadline=%s", jobId, req.deadline());
                publish(failed(jobId, 1, ErrorCode.DEADLINE_EXPIRED, "deadline " + req.deadline() + " has passed",
                        timings, null));
                return;
            }
            if (cancellations.isCancelled(jobId)) {
                LOG.infof("job=%s phase=CANCELLED before start", jobId);
                publish(failed(jobId, 1, ErrorCode.CANCELLED, "cancelled before start", timings, null));
                return;
            }
            checkBuckets(req);
            attempt = AttemptCounter.next(store, layout);
            metrics.attempt(attempt);
            if (attempt > config.maxAttempts()) {
                String msg = "job failed to complete in " + config.maxAttempts()
                        + " deliveries (the worker died each time: out of memory or a native crash?)";
                LOG.errorf("job=%s phase=FAILED code=%s attempt=%d", jobId, ErrorCode.MAX_ATTEMPTS_EXCEEDED, attempt);
                publish(failed(jobId, attempt, ErrorCode.MAX_ATTEMPTS_EXCEEDED, msg, timings, null));
                return;
            }
            Optional<ResultEvent> existing = existingOutput(req, layout, attempt);
            if (existing.isPresent()) {
                LOG.infof("job=%s phase=SUCCEEDED reused existing output %s", jobId, layout.outputKey());
                publish(existing.get());
                return;
            }
            ResultEvent result = compute(req, layout, attempt, control, timings);
            LOG.infof("job=%s phase=SUCCEEDED attempt=%d ms=%d", jobId, attempt, (System.nanoTime() - started) / 1_000_000);
            publish(result);
        } catch (StylizeException e) {
            if (e.code() == ErrorCode.CANCELLED) {
                if (shutdown.isShuttingDown() && !cancellations.isCancelled(jobId)) {
                    LOG.warnf("job=%s phase=INTERRUPTED by shutdown; not committing, it will be redelivered", jobId);
                    throw new ShutdownInterruption(jobId);
                }
                LOG.infof("job=%s phase=CANCELLED attempt=%d", jobId, attempt);
                publish(failed(jobId, Math.max(1, attempt), ErrorCode.CANCELLED, e.getMessage(), timings, null));
                return;
            }
            LOG.warnf("job=%s phase=FAILED code=%s attempt=%d message=%s", jobId, e.code(), attempt, e.getMessage());
            publish(failed(jobId, Math.max(1, attempt), e.code(), e.getMessage(), timings, null));
        } catch (ShutdownInterruption e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "job=%s phase=FAILED code=%s attempt=%d", jobId, ErrorCode.INTERNAL, attempt);
            publish(failed(jobId, Math.max(1, attempt), ErrorCode.INTERNAL,
                    "internal error: " + e.getClass().getSimpleName(), timings, null));
        } finally {
            cancellations.finished(jobId);
            control.close();
            metrics.finished();
        }
    }

    private ResultEvent compute(JobRequest req, OutputLayout layout, int attempt, RunControl control,
            Map<Phase, Long> timings) {
        String jobId = req.jobId();
        ProgressReporter progress = new ProgressReporter(jobId, attempt, layout, timings, events, store, metrics);
        progress.phase(Phase.FETCHING);
        ResolvedParams params = ParamResolver.resolve(req.mode(), req.jobParams(),
                pipeline.models().has(Component.DEV_TRANSFORMER), GaussianNoise.seedFromJobId(jobId));
        InputFetcher.Inputs in = inputs.fetch(req, params);
        control.checkpoint();

        StylizeResult result = pipeline.run(new StylizeRequest(jobId, in.references(), in.target(), in.mask(), req.prompt(), params),
                control, progress);
        metrics.pipeline(result.timingsMs());
        LOG.infof("job=%s stages=%s canvas=%dx%d tokens=%d+%d", jobId, result.timingsMs(), result.canvasWidth(),
                result.canvasHeight(), result.imageTokens(), result.textTokens());

        progress.phase(Phase.UPLOADING);
        String format = layout.format();
        byte[] bytes = ImageEncoder.encode(result.image(), format, 0.95f);
        String sha = Sha256.of(bytes);
        String contentType = ImageEncoder.contentType(format);
        store.put(layout.bucket(), layout.outputKey(), bytes, contentType, Map.of(
                META_SHA256, sha,
                META_SEED, Long.toString(result.seed()),
                META_WIDTH, Integer.toString(result.image().width()),
                META_HEIGHT, Integer.toString(result.image().height()),
                "job-id", jobId,
                "model-id", pipeline.models().directory().manifest().id()));
        progress.end();
        LOG.infof("job=%s phase=UPLOADING done key=%s bytes=%d", jobId, layout.outputKey(), bytes.length);
        OutputInfo out = new OutputInfo(layout.bucket(), layout.outputKey(), presign(layout.bucket(), layout.outputKey()),
                result.image().width(), result.image().height(), sha, contentType);
        return ResultEvent.succeeded(jobId, attempt, List.of(out), timings, result.seed(), modelInfo());
    }

    /** A redelivered job whose output exists and verifies is answered without recomputing. */
    private Optional<ResultEvent> existingOutput(JobRequest req, OutputLayout layout, int attempt) {
        var info = store.stat(layout.bucket(), layout.outputKey());
        if (info.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> meta = info.get().userMetadata();
        String sha = meta.get(META_SHA256);
        if (sha == null) {
            return Optional.empty();
        }
        byte[] bytes = store.get(layout.bucket(), layout.outputKey(), config.maxObjectBytes());
        if (!Sha256.of(bytes).equals(sha)) {
            LOG.warnf("job=%s existing output %s fails its sha256; recomputing", req.jobId(), layout.outputKey());
            return Optional.empty();
        }
        OutputInfo out = new OutputInfo(layout.bucket(), layout.outputKey(), presign(layout.bucket(), layout.outputKey()),
                Integer.parseInt(meta.get(META_WIDTH)), Integer.parseInt(meta.get(META_HEIGHT)), sha,
                info.get().contentType());
        return Optional.of(ResultEvent.succeeded(req.jobId(), attempt, List.of(out), Map.of(),
                Long.parseLong(meta.get(META_SEED)), modelInfo()));
    }

    private void checkBuckets(JobRequest req) {
        for (ReferenceRef r : req.reference()) {
            buckets.check(r.bucket());
            if (r.mask() != null) {
                buckets.check(r.mask().bucket());
            }
        }
        if (req.target() != null) {
            buckets.check(req.target().bucket());
        }
        if (req.mask() != null) {
            buckets.check(req.mask().bucket());
        }
        buckets.check(req.output().bucket());
    }

    private String presign(String bucket, String key) {
        return store.presignedGet(bucket, key, config.s3().presignTtl());
    }

    /** FAILED, CANCELLED or EXPIRED, as the code says ({@code JobStatus.forError}). */
    private ResultEvent failed(String jobId, int attempt, ErrorCode code, String message, Map<Phase, Long> timings,
            Long seed) {
        return ResultEvent.failed(jobId, attempt, code, message, timings, seed, modelInfo());
    }

    private ModelInfo modelInfo() {
        var dir = pipeline.models().directory();
        return new ModelInfo(dir.manifest().id(), dir.manifestSha256());
    }

    private void publish(ResultEvent result) {
        events.result(result);
        metrics.result(result.status());
    }
}
