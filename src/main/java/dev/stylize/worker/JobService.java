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
import dev.stylize.job.Printable;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.ResultEvent;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.GaussianNoise;
import dev.stylize.pipeline.PreparedJob;
import dev.stylize.pipeline.StylizePipeline;
import dev.stylize.pipeline.StylizeRequest;
import dev.stylize.pipeline.StylizeResult;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.Sha256;
import dev.stylize.storage.BucketPolicy;
import dev.stylize.storage.ObjectStore;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One delivery of a request, from bytes to a published terminal result:
 *
 * <ol>
 *   <li>read and validate it (a request that cannot be read goes to the dead-letter topic);</li>
 *   <li>answer from the job's recorded success, if it has one (a different request under that id is a
 *       conflict, dead-lettered, never answered under the job's key);</li>
 *   <li>deadline, cancellation, buckets, attempt cap;</li>
 *   <li>fetch, run the pipeline, upload, record the success, publish — transient faults retried within
 *       the retry budget, the deadline enforced throughout.</li>
 * </ol>
 *
 * Every delivery ends in exactly one result event or dead letter ({@link Delivery.Outcome#ANSWERED}),
 * except a job given up by shutdown or a rebalance ({@link Delivery.Outcome#GIVEN_UP}): no result and
 * its record must not be committed.
 */
public final class JobService {
    private static final Logger LOG = Logger.getLogger(JobService.class);
    static final String META_SHA256 = "sha256";

    /** Thrown when shutdown stopped a job: no result, no commit, the job is redelivered. */
    public static final class ShutdownInterruption extends RuntimeException {
        public ShutdownInterruption(String jobId) {
            super("job " + Printable.of(jobId) + " interrupted by shutdown; it will be redelivered");
        }
    }

    private final StylizePipeline pipeline;
    private final ObjectStore store;
    private final BucketPolicy buckets;
    private final JobEvents events;
    private final RunningJobs running;
    private final WorkerMetrics metrics;
    private final WorkerConfig config;
    private final ShutdownState shutdown;
    private final Clock clock;
    private final InputFetcher inputs;
    private final JobState state;
    private final AcceleratorSlots slots;
    private final Tracer tracer;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(daemon("stylize-deadlines"));
    /** Object-store calls a job makes side by side (its inputs, its output and record) or after it (cleanup). */
    private final Executor io = new LogContextExecutor(Executors.newCachedThreadPool(daemon("stylize-io")));

    public JobService(StylizePipeline pipeline, ObjectStore store, BucketPolicy buckets, JobEvents events,
            RunningJobs running, WorkerMetrics metrics, WorkerConfig config, ShutdownState shutdown, Clock clock,
            AcceleratorSlots slots, Tracer tracer) {
        this.pipeline = pipeline;
        this.store = store;
        this.buckets = buckets;
        this.events = events;
        this.running = running;
        this.metrics = metrics;
        this.config = config;
        this.shutdown = shutdown;
        this.clock = clock;
        this.slots = slots;
        this.tracer = tracer;
        this.inputs = new InputFetcher(store, config, pipeline.models().constants().siglipImageSize(), io,
                pipeline::cachedReduxTokens);
        this.state = new JobState(store, config.state().bucket(), config.state().prefix());
    }

    /**
     * Processes one record; {@code value} may be null (a tombstone). Returns normally with the
     * delivery finished, or throws {@link ShutdownInterruption}.
     */
    public void process(String key, byte[] value, Delivery delivery) {
        try {
            if (shutdown.isShuttingDown()) {
                throw new ShutdownInterruption(key); // stop taking jobs: leave it uncommitted for another pod
            }
            JobRequest request;
            try {
                if (value == null) {
                    throw new StylizeException(ErrorCode.INVALID_JSON, "the record has no value (a tombstone)");
                }
                request = JobJson.parseRequest(value);
            } catch (StylizeException e) {
                reject(key, value, e, delivery);
                delivery.finish(Delivery.Outcome.ANSWERED);
                return;
            }
            MDC.put("jobId", request.jobId());
            try {
                delivery.finish(run(request, value, delivery));
            } finally {
                MDC.remove("jobId");
            }
        } catch (ShutdownInterruption e) {
            delivery.finish(Delivery.Outcome.GIVEN_UP);
            throw e;
        }
    }

    /** Dead-letters a request that cannot be read; with a readable job id that never succeeded, FAILED too. */
    private void reject(String key, byte[] value, StylizeException e, Delivery delivery) {
        LOG.warnf("job=%s phase=REJECTED code=%s source=%s message=%s", Printable.of(key), e.code(), delivery.source(),
                Printable.of(e.getMessage()));
        events.deadLetter(key, value, e.code(), e.getMessage());
        metrics.rejected(e.code());
        Optional<String> jobId = value == null ? Optional.empty() : JobJson.peekJobId(value);
        if (jobId.isPresent()) {
            TransientRetry retry = retry(jobId.get(), delivery);
            try {
                if (retry.call("state", () -> state.success(jobId.get())).isEmpty()) {
                    // With a readable job id the client following results learns why, too.
                    publish(failed(jobId.get(), 1, e.code(), e.getMessage(), Map.of()));
                } else {
                    LOG.warnf("job=%s a rejected request reuses the id of a succeeded job; its result stands",
                            jobId.get());
                }
            } catch (StylizeException stateUnknown) {
                // Without the state a FAILED result could overwrite a success: the dead letter is enough.
                LOG.warnf("job=%s no FAILED result for the rejected request: job state unavailable (%s)", jobId.get(),
                        stateUnknown.code());
            }
        }
    }

    private Delivery.Outcome run(JobRequest req, byte[] value, Delivery delivery) {
        String jobId = req.jobId();
        Map<Phase, Long> timings = new LinkedHashMap<>();
        long started = System.nanoTime();
        OutputLayout layout = OutputLayout.of(req.output(), jobId);
        String fingerprint = JobState.fingerprint(req);
        TransientRetry retry = retry(jobId, delivery);
        Spans spans = new Spans(tracer);
        if (delivery.recordTimestamp() > 0) {
            spans.put("queued", Math.max(0, System.currentTimeMillis() - delivery.recordTimestamp()));
        }
        String marker = JobState.newMarker();
        JobState.Attempt attempt = state.unread(jobId, marker);
        boolean stateKnown = false;
        running.started(jobId, delivery);
        ScheduledFuture<?> deadlineTimer = scheduleDeadline(req.deadline(), delivery);
        metrics.started();
        // The marker and the inputs go while the job state is read (one round trip for the three); the state
        // decides whether the inputs are used, and every end of the delivery clears or releases the marker.
        CompletableFuture<Void> marked = CompletableFuture.runAsync(() -> retry.run("attempt",
                () -> state.mark(state.unread(jobId, marker))), io);
        try {
            CompletableFuture<Fetched> fetched = prefetch(req, layout, retry, marked);
            // A success is final: answer every later delivery from it, or refuse a different request.
            // Until it is known whether there is one, no result may be published under the job's key.
            JobState.Snapshot snapshot = retry.callUntilStopped("state", () -> state.look(jobId));
            Optional<JobState.Success> success = retry.callUntilStopped("state", () -> state.success(snapshot));
            attempt = state.attempt(snapshot, marker);
            stateKnown = true;
            spans.mark("state");
            if (success.isPresent()) {
                if (!success.get().requestSha256().equals(fingerprint)) {
                    conflict(jobId, value);
                    clearInBackground(attempt, marked);
                    return Delivery.Outcome.ANSWERED;
                }
                Optional<ResultEvent> again = retry.call("verify", () -> republish(success.get().result()));
                if (again.isPresent()) {
                    LOG.infof("job=%s phase=SUCCEEDED answered from its recorded success", jobId);
                    publishTerminal(again.get(), attempt, marked);
                    return Delivery.Outcome.ANSWERED;
                }
                LOG.warnf("job=%s the recorded output of its success is gone or damaged; recomputing", jobId);
            }
            if (req.deadline() != null && !clock.instant().isBefore(req.deadline())) {
                throw new StylizeException(ErrorCode.DEADLINE_EXPIRED, "deadline " + req.deadline() + " had passed");
            }
            if (running.isCancelled(jobId)) {
                throw new StylizeException(ErrorCode.CANCELLED, "cancelled before start");
            }
            checkBuckets(req, layout);
            metrics.attempt(attempt.number());
            if (attempt.unfinished() > config.maxAttempts()) {
                String msg = "job did not finish in " + config.maxAttempts()
                        + " deliveries (the worker died each time: out of memory or a native crash?)";
                LOG.errorf("job=%s phase=FAILED code=%s attempt=%d", jobId, ErrorCode.MAX_ATTEMPTS_EXCEEDED,
                        attempt.number());
                join(marked);
                publishTerminal(failed(jobId, attempt.number(), ErrorCode.MAX_ATTEMPTS_EXCEEDED, msg, timings), attempt,
                        marked);
                return Delivery.Outcome.ANSWERED;
            }
            ResultEvent result = compute(req, layout, attempt.number(), delivery, timings, retry, spans, fingerprint,
                    marked, fetched);
            publish(result);
            spans.mark("publish");
            LOG.infof("job=%s phase=SUCCEEDED attempt=%d ms=%d spans=%s", jobId, attempt.number(),
                    (System.nanoTime() - started) / 1_000_000, spans);
            clearInBackground(attempt, marked);
            return Delivery.Outcome.ANSWERED;
        } catch (StylizeException e) {
            int n = attempt.number();
            if (e.code() == ErrorCode.CANCELLED) {
                return stopped(req, value, delivery, attempt, marked, stateKnown, timings, retry);
            }
            if (!stateKnown) {
                return deadLetterOnly(jobId, value, e.code(), e.getMessage(), attempt, marked);
            }
            LOG.warnf("job=%s phase=FAILED code=%s attempt=%d message=%s", jobId, e.code(), n, e.getMessage());
            publishTerminal(failed(jobId, n, e.code(), e.getMessage(), timings), attempt, marked);
            return Delivery.Outcome.ANSWERED;
        } catch (RuntimeException e) {
            int n = attempt.number();
            if (!stateKnown) {
                LOG.errorf(e, "job=%s failed reading its state", jobId);
                return deadLetterOnly(jobId, value, ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName(),
                        attempt, marked);
            }
            LOG.errorf(e, "job=%s phase=FAILED code=%s attempt=%d", jobId, ErrorCode.INTERNAL, n);
            publishTerminal(failed(jobId, n, ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName(),
                    timings), attempt, marked);
            return Delivery.Outcome.ANSWERED;
        } finally {
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
            running.finished(jobId, delivery);
            metrics.finished();
        }
    }

    /** A job stopped from outside: CANCELLED or EXPIRED with a result, or given up without one. */
    private Delivery.Outcome stopped(JobRequest req, byte[] value, Delivery delivery, JobState.Attempt attempt,
            CompletableFuture<Void> marked, boolean stateKnown, Map<Phase, Long> timings, TransientRetry retry) {
        String jobId = req.jobId();
        int n = attempt.number();
        StopReason reason = delivery.stopReason() == null ? StopReason.CANCELLED : delivery.stopReason();
        if (reason.givesUpTheJob()) {
            releaseQuietly(attempt);
            if (reason == StopReason.SHUTDOWN) {
                LOG.warnf("job=%s phase=INTERRUPTED by shutdown attempt=%d; not committing, it will be redelivered",
                        jobId, n);
                throw new ShutdownInterruption(jobId);
            }
            LOG.warnf("job=%s phase=RELEASED attempt=%d: its partition moved to another worker during a rebalance",
                    jobId, n);
            metrics.released();
            return Delivery.Outcome.GIVEN_UP;
        }
        ErrorCode code = reason == StopReason.DEADLINE ? ErrorCode.DEADLINE_EXPIRED : ErrorCode.CANCELLED;
        String msg = reason == StopReason.DEADLINE ? "deadline " + req.deadline() + " passed during the job" : "job cancelled";
        if (!stateKnown) {
            return deadLetterOnly(jobId, value, code, msg, attempt, marked);
        }
        LOG.infof("job=%s phase=%s attempt=%d", jobId, code == ErrorCode.CANCELLED ? "CANCELLED" : "EXPIRED", n);
        publishTerminal(failed(jobId, n, code, msg, timings), attempt, marked);
        return Delivery.Outcome.ANSWERED;
    }

    /** Fetch, pipeline, then the output uploaded and the success recorded side by side; returns the result. */
    private ResultEvent compute(JobRequest req, OutputLayout layout, int attempt, Delivery delivery,
            Map<Phase, Long> timings, TransientRetry retry, Spans spans, String fingerprint,
            CompletableFuture<Void> marked, CompletableFuture<Fetched> fetched) {
        String jobId = req.jobId();
        ProgressReporter progress = new ProgressReporter(jobId, attempt, layout, timings, events, store, metrics);
        progress.phase(Phase.FETCHING);
        Fetched f = join(fetched);
        ResolvedParams params = f.params();
        InputFetcher.Inputs in = f.inputs();
        // The marker must be durable before the pipeline can crash the worker.
        join(marked);
        delivery.control().checkpoint();
        spans.mark("fetch");

        StylizeRequest request = new StylizeRequest(jobId, in.references(), in.target(), in.mask(), req.prompt(),
                params);
        PreparedJob prepared = retry.call("pipeline", () -> inPipeline(jobId, () -> pipeline.prepare(request,
                delivery.control(), progress)));
        spans.mark("prepare");
        LOG.infof("job=%s phase=PREPARED stages=%s", jobId, prepared.timingsMs());
        StylizeResult result;
        // The next job of the slot is fetched and prepared while this one holds the accelerator.
        try (AcceleratorSlots.Slot slot = slots.acquire(delivery)) {
            spans.mark("slot");
            result = retry.call("pipeline", () -> inPipeline(jobId, () -> pipeline.generate(prepared,
                    delivery.control(), progress)));
        }
        spans.mark("generate");
        metrics.pipeline(result.timingsMs());
        long notFetched = in.references().stream().filter(r -> r.image() == null).count();
        LOG.infof("job=%s stages=%s canvas=%dx%d tokens=%d+%d referencesFromCache=%d", jobId, result.timingsMs(),
                result.canvasWidth(), result.canvasHeight(), result.imageTokens(), result.textTokens(), notFetched);

        progress.phase(Phase.UPLOADING);
        String format = layout.format();
        byte[] bytes = ImageEncoder.encode(result.image(), format, 0.95f);
        spans.mark("encode");
        String sha = Sha256.of(bytes);
        String contentType = ImageEncoder.contentType(format);
        OutputInfo out = new OutputInfo(layout.bucket(), layout.outputKey(), presign(layout.bucket(), layout.outputKey()),
                result.image().width(), result.image().height(), sha, contentType);
        // The record may land before the output: a redelivery then finds the output missing and recomputes.
        CompletableFuture<Void> record = CompletableFuture.runAsync(() -> retry.run("record", () -> state.recordSuccess(
                jobId, new JobState.Success(fingerprint, withUrl(ResultEvent.succeeded(jobId, attempt, List.of(out),
                        timings, result.seed(), modelInfo()), o -> "s3://" + o.bucket() + "/" + o.key())))), io);
        retry.run("upload", () -> store.put(layout.bucket(), layout.outputKey(), bytes, contentType, Map.of(
                META_SHA256, sha,
                "seed", Long.toString(result.seed()),
                "job-id", jobId,
                "model-id", pipeline.models().directory().manifest().id())));
        join(record);
        progress.end();
        spans.mark("upload");
        LOG.infof("job=%s phase=UPLOADING done key=%s bytes=%d", jobId, layout.outputKey(), bytes.length);
        return ResultEvent.succeeded(jobId, attempt, List.of(out), timings, result.seed(), modelInfo());
    }

    private record Fetched(ResolvedParams params, InputFetcher.Inputs inputs) {}

    /**
     * The job's parameters and inputs, fetched in the background; their errors surface when joined (after
     * the job state is known, so they may become a FAILED result). Only from buckets the job may read, and
     * decoded only once the attempt marker is written.
     */
    private CompletableFuture<Fetched> prefetch(JobRequest req, OutputLayout layout, TransientRetry retry,
            CompletableFuture<Void> marked) {
        try {
            checkBuckets(req, layout);
        } catch (StylizeException e) {
            return CompletableFuture.failedFuture(e); // never read: the same check fails again in order
        }
        return CompletableFuture.supplyAsync(() -> {
            ResolvedParams params = ParamResolver.resolve(req.mode(), req.jobParams(),
                    pipeline.models().has(Component.DEV_TRANSFORMER), GaussianNoise.seedFromJobId(req.jobId()));
            return new Fetched(params, retry.call("fetch", () -> inputs.fetch(req, params, () -> join(marked))));
        }, io);
    }

    /** A bug surfacing as an unchecked exception is INTERNAL, which the retry treats as a fault that may pass. */
    private static <T> T inPipeline(String jobId, Supplier<T> stage) {
        try {
            return stage.get();
        } catch (StylizeException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "job=%s pipeline failed", jobId);
            throw new StylizeException(ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The recorded result again, with a fresh URL, when its output still exists with the recorded sha256. */
    private Optional<ResultEvent> republish(ResultEvent recorded) {
        for (OutputInfo out : recorded.outputs()) {
            var info = store.stat(out.bucket(), out.key());
            if (info.isEmpty() || !out.sha256().equals(info.get().userMetadata().get(META_SHA256))) {
                return Optional.empty();
            }
        }
        return Optional.of(withUrl(recorded, out -> presign(out.bucket(), out.key())));
    }

    private static ResultEvent withUrl(ResultEvent r, java.util.function.Function<OutputInfo, String> url) {
        List<OutputInfo> outs = r.outputs().stream().map(o -> new OutputInfo(o.bucket(), o.key(), url.apply(o),
                o.width(), o.height(), o.sha256(), o.contentType())).toList();
        return new ResultEvent(r.schemaVersion(), r.jobId(), r.attempt(), r.status(), outs, r.error(), r.timings(),
                r.seed(), r.models());
    }

    /**
     * The end of a job whose state could not be read: it may have succeeded before, and a result now
     * could overwrite that success, so the reason goes to the dead-letter topic only. The delivery's marker goes.
     */
    private Delivery.Outcome deadLetterOnly(String jobId, byte[] value, ErrorCode code, String message,
            JobState.Attempt attempt, CompletableFuture<Void> marked) {
        clearInBackground(attempt, marked);
        LOG.warnf("job=%s phase=REJECTED code=%s before its state could be read; dead letter only: %s", jobId, code,
                message);
        events.deadLetter(jobId, value, code, message + " (the job's state could not be read)");
        metrics.rejected(code);
        return Delivery.Outcome.ANSWERED;
    }

    /** A request under the id of a job that succeeded with another request: the DLQ, never the job's key. */
    private void conflict(String jobId, byte[] value) {
        String msg = "job " + jobId + " already succeeded with a different request; use a new jobId";
        LOG.warnf("job=%s phase=REJECTED code=%s %s", jobId, ErrorCode.JOB_ID_CONFLICT, msg);
        events.deadLetter(jobId, value, ErrorCode.JOB_ID_CONFLICT, msg);
        metrics.rejected(ErrorCode.JOB_ID_CONFLICT);
    }

    private void checkBuckets(JobRequest req, OutputLayout layout) {
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
        if (state.reserves(layout.bucket(), layout.outputKey())) {
            throw new StylizeException(ErrorCode.BUCKET_NOT_ALLOWED, "output '" + layout.bucket() + "/"
                    + layout.outputKey() + "' would lie among the worker's job state: choose another output.prefix");
        }
    }

    /** Waits for a side task; its typed failure becomes this thread's. */
    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private ScheduledFuture<?> scheduleDeadline(Instant deadline, Delivery delivery) {
        if (deadline == null) {
            return null;
        }
        long ms = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
        return deadlines.schedule(() -> delivery.stop(StopReason.DEADLINE), ms, TimeUnit.MILLISECONDS);
    }

    private TransientRetry retry(String jobId, Delivery delivery) {
        return new TransientRetry(jobId, delivery, config.retryBudget(), config.retryMaxPause(), metrics);
    }

    private void releaseQuietly(JobState.Attempt attempt) {
        try {
            state.release(attempt);
        } catch (StylizeException e) {
            // Then this delivery counts against the cap, as a crash would: the safe side.
            LOG.warnf("job=%s could not mark attempt %d released: %s", attempt.jobId(), attempt.number(), e.getMessage());
        }
    }

    private String presign(String bucket, String key) {
        return store.presignedGet(bucket, key, config.s3().presignTtl());
    }

    /** FAILED, CANCELLED or EXPIRED, as the code says ({@code JobStatus.forError}). */
    private ResultEvent failed(String jobId, int attempt, ErrorCode code, String message, Map<Phase, Long> timings) {
        return ResultEvent.failed(jobId, attempt, code, message, timings, null, modelInfo());
    }

    private ModelInfo modelInfo() {
        var dir = pipeline.models().directory();
        return new ModelInfo(dir.manifest().id(), dir.manifestSha256());
    }

    /** A terminal result, then the job's attempt markers go. */
    private void publishTerminal(ResultEvent result, JobState.Attempt attempt, CompletableFuture<Void> marked) {
        publish(result);
        clearInBackground(attempt, marked);
    }

    /**
     * Removes the markers this delivery counted once its own is written (else a late write would outlive
     * the delete), off the job's path: the next job need not wait. Best effort: a marker left behind
     * counts once more only if the same request is submitted again.
     */
    private void clearInBackground(JobState.Attempt attempt, CompletableFuture<Void> marked) {
        marked.handle((ok, failed) -> null).thenRunAsync(() -> {
            try {
                state.clear(attempt);
            } catch (RuntimeException e) {
                LOG.warnf("job=%s attempt markers left in place: %s", attempt.jobId(), e.getMessage());
            }
        }, io);
    }

    private void publish(ResultEvent result) {
        events.result(result);
        metrics.result(result.status());
    }
}
