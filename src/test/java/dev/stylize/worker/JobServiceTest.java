package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.embedded.SharedStack;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobStatus;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.pipeline.StylizePipeline;
import dev.stylize.pipeline.TestImages;
import dev.stylize.pipeline.TestModels;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RuntimeConfig;
import dev.stylize.storage.BucketPolicy;
import dev.stylize.storage.ObjectStore;
import dev.stylize.storage.RetryPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every way one delivery through {@link JobService} can end, without a broker: the events go to a
 * recording {@link JobEvents}; the store is the embedded S3 server; the models are the analytic set.
 */
class JobServiceTest {
    static final String BUCKET = "job-service-test";

    static EmbeddedStack stack;
    static ObjectStore store;
    static ModelSet models;
    static StylizePipeline pipeline;

    final String statePrefix = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
    final RecordingEvents events = new RecordingEvents();
    final RunningJobs running = new RunningJobs();
    final ShutdownState shutdown = new ShutdownState();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AcceleratorSlots slots = new AcceleratorSlots(1);
    final InMemorySpanExporter exported = InMemorySpanExporter.create();
    final SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported))
            .build();

    @BeforeAll
    static void open() {
        stack = SharedStack.get();
        // One try per S3 call and short timeouts: a fault reaches the job's own retry at once.
        store = new ObjectStore(stack.s3Settings(), new RetryPolicy(1, Duration.ofMillis(100), Duration.ofMillis(100)),
                Duration.ofSeconds(1));
        store.ensureBucket(BUCKET);
        store.ensureBucket(WorkerConfig.DEFAULT_STATE_BUCKET);
        put("in/a.png", TestImages.uniform(48, 48, 200, 40, 90));
        put("in/b.png", TestImages.gradient(64, 48));
        models = ModelSet.load(TestModels.imageOnly(), RuntimeConfig.cpu(), null);
        pipeline = new StylizePipeline(models, 2_097_152);
    }

    @AfterAll
    static void close() {
        if (models != null) {
            models.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static void put(String key, dev.stylize.imaging.RgbImage img) {
        store.put(BUCKET, key, ImageEncoder.encode(img, "png", 0.95f), "image/png", Map.of());
    }

    /** The worker's real configuration (WorkerConfig's defaults) with this test's settings. */
    WorkerConfig config(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>(Map.of(
                "stylize.s3.endpoint", stack.s3Endpoint(),
                "stylize.s3.access-key", stack.accessKey(),
                "stylize.s3.secret-key", stack.secretKey(),
                "stylize.state.prefix", statePrefix,
                "stylize.retry-budget", "PT20S"));
        p.putAll(overrides);
        return new SmallRyeConfigBuilder().withMapping(WorkerConfig.class)
                .withSources(new PropertiesConfigSource(p, "test", 500)).build().getConfigMapping(WorkerConfig.class);
    }

    JobService service(Map<String, String> overrides, Clock clock) {
        return new JobService(pipeline, store, BucketPolicy.parse(BUCKET), events, running,
                new WorkerMetrics(registry), config(overrides), shutdown, clock, slots,
                tracing.get("test"));
    }

    JobService service() {
        return service(Map.of(), Clock.systemUTC());
    }

    JobState state() {
        return new JobState(store, WorkerConfig.DEFAULT_STATE_BUCKET, statePrefix);
    }

    static String jobId(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] request(String jobId, String params, String extra) {
        return ("{\"schemaVersion\":1,\"jobId\":\"" + jobId + "\",\"mode\":\"composite\",\"reference\":[{\"bucket\":\""
                + BUCKET + "\",\"key\":\"in/a.png\"}],\"target\":{\"bucket\":\"" + BUCKET + "\",\"key\":\"in/b.png\"},"
                + "\"params\":{" + params + "},\"output\":{\"bucket\":\"" + BUCKET + "\",\"prefix\":\"out\"}" + extra + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] request(String jobId) {
        return request(jobId, "\"steps\":2,\"seed\":5", "");
    }

    /** One delivery, run to its end on this thread. */
    static Delivery deliver(JobService jobs, String key, byte[] value) {
        Delivery d = new Delivery("test", 0);
        jobs.process(key, value, d);
        return d;
    }

    // ---- requests that cannot be read ------------------------------------------------------------

    @Test
    void anUnreadableRequestIsDeadLetteredWithoutAResult() {
        Delivery d = deliver(service(), "not-json", "{this is not json".getBytes(StandardCharsets.UTF_8));
        assertEquals(Delivery.Outcome.ANSWERED, d.outcome());
        DeadLetter dl = events.onlyDeadLetter();
        assertEquals("not-json", dl.key());
        assertEquals(ErrorCode.INVALID_JSON, dl.code());
        assertEquals("{this is not json", new String(dl.value(), StandardCharsets.UTF_8), "original bytes kept");
        assertEquals(List.of(), events.results, "no job id to answer under");
    }

    @Test
    void aTombstoneIsDeadLettered() {
        Delivery d = deliver(service(), "gone", null);
        assertEquals(Delivery.Outcome.ANSWERED, d.outcome());
        assertEquals(ErrorCode.INVALID_JSON, events.onlyDeadLetter().code());
        assertEquals(List.of(), events.results);
    }

    @Test
    void anInvalidRequestWithAReadableIdIsDeadLetteredAndFailed() {
        String id = jobId("bad-steps");
        deliver(service(), id, request(id, "\"steps\":0", ""));
        assertEquals(ErrorCode.PARAM_OUT_OF_RANGE, events.onlyDeadLetter().code());
        ResultEvent r = events.onlyResult();
        assertEquals(id, r.jobId());
        assertEquals(JobStatus.FAILED, r.status());
        assertEquals("PARAM_OUT_OF_RANGE", r.error().code());
    }

    // ---- a job that ran ----------------------------------------------------------------------------

    @Test
    void aJobRunsAndItsRecordedSuccessAnswersTheNextDelivery() {
        JobService jobs = service();
        String id = jobId("ok");
        Delivery first = deliver(jobs, id, request(id));
        assertEquals(Delivery.Outcome.ANSWERED, first.outcome());
        ResultEvent r1 = events.onlyResult();
        assertEquals(JobStatus.SUCCEEDED, r1.status(), () -> "" + r1.error());
        assertTrue(store.stat(BUCKET, r1.outputs().get(0).key()).isPresent());
        int progressAfterFirst = events.progress.size();
        assertTrue(progressAfterFirst > 0);

        deliver(jobs, id, request(id));
        assertEquals(2, events.results.size());
        ResultEvent r2 = events.results.get(1);
        assertEquals(JobStatus.SUCCEEDED, r2.status());
        assertEquals(r1.outputs().get(0).sha256(), r2.outputs().get(0).sha256());
        assertEquals(r1.attempt(), r2.attempt(), "the recorded result, not a new attempt");
        assertEquals(progressAfterFirst, events.progress.size(), "answered without computing again");
        assertEquals(List.of(), events.deadLetters);
    }

    @Test
    void eachStepOfAJobIsASpanBelowTheSpanCurrentWhenItWasDelivered() {
        String id = jobId("traced");
        Span job = tracing.get("test").spanBuilder("job").startSpan();
        try (Scope ignored = job.makeCurrent()) {
            deliver(service(), id, request(id));
        } finally {
            job.end();
        }
        assertEquals(JobStatus.SUCCEEDED, events.onlyResult().status());
        List<SpanData> steps = exported.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(job.getSpanContext().getSpanId())).toList();
        assertEquals(List.of("state", "fetch", "prepare", "slot", "generate", "encode", "upload", "publish"),
                steps.stream().map(SpanData::getName).toList());
        SpanData jobSpan = exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals("job")).findFirst()
                .orElseThrow();
        long previousEnd = jobSpan.getStartEpochNanos();
        for (SpanData step : steps) {
            assertEquals(job.getSpanContext().getTraceId(), step.getTraceId());
            assertTrue(step.getStartEpochNanos() >= previousEnd - 2_000_000, "steps follow each other: " + steps);
            assertTrue(step.getEndEpochNanos() >= step.getStartEpochNanos());
            previousEnd = step.getEndEpochNanos();
        }
        assertTrue(previousEnd <= jobSpan.getEndEpochNanos() + 2_000_000, "inside the job's span");
    }

    @Test
    void anotherRequestUnderASucceededJobsIdIsAConflictOnTheDeadLetterTopic() {
        JobService jobs = service();
        String id = jobId("conflict");
        deliver(jobs, id, request(id));
        assertEquals(JobStatus.SUCCEEDED, events.onlyResult().status());

        Delivery d = deliver(jobs, id, request(id, "\"steps\":2,\"seed\":6", ""));
        assertEquals(Delivery.Outcome.ANSWERED, d.outcome());
        assertEquals(ErrorCode.JOB_ID_CONFLICT, events.onlyDeadLetter().code());
        assertEquals(1, events.results.size(), "never a result under the job's key");
    }

    @Test
    void everyDeliveryClearsItsAttemptMarkerWrittenWhileTheStateWasRead() throws Exception {
        JobService jobs = service();
        String id = jobId("markers");
        deliver(jobs, id, request(id)); // ran
        deliver(jobs, id, request(id)); // answered from its success
        deliver(jobs, id, request(id, "\"steps\":2,\"seed\":6", "")); // a conflict
        assertEquals(2, events.results.size());
        assertEquals(1, events.deadLetters.size());
        // Cleared in the background once each delivery's marker is written.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JobState.Snapshot s = state().look(id);
        while (!s.markerKeys().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(50);
            s = state().look(id);
        }
        assertEquals(List.of(), s.markerKeys());
        assertTrue(s.succeeded());
    }

    @Test
    void aSuccessWhoseOutputIsGoneIsComputedAgain() {
        JobService jobs = service();
        String id = jobId("recompute");
        deliver(jobs, id, request(id));
        ResultEvent r1 = events.onlyResult();
        store.delete(BUCKET, List.of(r1.outputs().get(0).key()));
        int progressAfterFirst = events.progress.size();

        deliver(jobs, id, request(id));
        ResultEvent r2 = events.results.get(1);
        assertEquals(JobStatus.SUCCEEDED, r2.status(), () -> "" + r2.error());
        assertTrue(events.progress.size() > progressAfterFirst, "computed again");
        assertEquals(r1.outputs().get(0).sha256(), r2.outputs().get(0).sha256(), "the same image: same seed");
        assertTrue(store.stat(BUCKET, r2.outputs().get(0).key()).isPresent(), "the output is back");
    }

    // ---- before the job starts ---------------------------------------------------------------------

    @Test
    void aDeadlineAlreadyPassedEndsExpiredWithoutWork() {
        String id = jobId("expired");
        // The request's deadline lies an hour ahead of the wall clock but behind the service's clock.
        Instant deadline = Instant.now().plus(Duration.ofHours(1));
        JobService jobs = service(Map.of(), Clock.fixed(deadline.plusSeconds(1), java.time.ZoneOffset.UTC));
        deliver(jobs, id, request(id, "\"steps\":2", ",\"deadline\":\"" + deadline + "\""));
        ResultEvent r = events.onlyResult();
        assertEquals(JobStatus.EXPIRED, r.status());
        assertEquals("DEADLINE_EXPIRED", r.error().code());
        assertEquals(List.of(), events.progress, "nothing fetched");
        assertEquals(List.of(), events.deadLetters);
    }

    @Test
    void aJobCancelledBeforeItArrivedEndsCancelled() {
        String id = jobId("cancelled");
        running.cancel(id);
        Delivery d = deliver(service(), id, request(id));
        assertEquals(Delivery.Outcome.ANSWERED, d.outcome());
        ResultEvent r = events.onlyResult();
        assertEquals(JobStatus.CANCELLED, r.status());
        assertEquals("CANCELLED", r.error().code());
        assertEquals(List.of(), events.progress, "nothing fetched");
    }

    @Test
    void aJobThatCrashedItsWorkerTooOftenEndsFailed() {
        String id = jobId("poison");
        JobState state = state();
        for (int i = 0; i < 2; i++) { // two deliveries that died without a trace but their markers
            JobState.Attempt a = state.attempt(state.look(id), JobState.newMarker());
            state.mark(a);
        }
        deliver(service(Map.of("stylize.max-attempts", "2"), Clock.systemUTC()), id, request(id));
        ResultEvent r = events.onlyResult();
        assertEquals(JobStatus.FAILED, r.status());
        assertEquals("MAX_ATTEMPTS_EXCEEDED", r.error().code());
        assertEquals(3, r.attempt());
        assertEquals(List.of(), events.progress, "not run a third time");
    }

    // ---- while the job runs --------------------------------------------------------------------------

    @Test
    void aStorageOutageIsRetriedWithinTheJob() throws Exception {
        String id = jobId("outage");
        JobService jobs = service();
        stack.s3().freeze();
        CompletableFuture<Delivery> job;
        try {
            job = CompletableFuture.supplyAsync(() -> deliver(jobs, id, request(id)));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (retries() == 0 && System.nanoTime() < end) {
                Thread.sleep(50);
            }
        } finally {
            stack.s3().thaw();
        }
        assertTrue(retries() > 0, "the job met the outage");
        assertEquals(Delivery.Outcome.ANSWERED, job.get(60, TimeUnit.SECONDS).outcome());
        ResultEvent r = events.onlyResult();
        assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "" + r.error());
        assertEquals(1, r.attempt(), "a retry is the same delivery");
    }

    double retries() {
        return registry.counter("stylize_job_retries_total", "code", ErrorCode.STORAGE_UNAVAILABLE.name()).count();
    }

    @Test
    void aWorkerShuttingDownTakesNoJob() {
        shutdown.begin();
        String id = jobId("late");
        Delivery d = new Delivery("test", 0);
        assertThrows(JobService.ShutdownInterruption.class, () -> service().process(id, request(id), d));
        assertEquals(Delivery.Outcome.GIVEN_UP, d.outcome());
        assertEquals(List.of(), events.results);
        assertEquals(List.of(), events.deadLetters);
    }

    @Test
    void aCancelWhileWaitingForTheAcceleratorEndsCancelled() throws Exception {
        String id = jobId("wait-cancel");
        Waiting w = waitingForTheSlot(id);
        w.delivery().stop(StopReason.CANCELLED);
        w.job().get(30, TimeUnit.SECONDS);
        assertEquals(Delivery.Outcome.ANSWERED, w.delivery().outcome());
        ResultEvent r = events.onlyResult();
        assertEquals(JobStatus.CANCELLED, r.status());
        assertTrue(r.error().message().contains("cancelled"), r.error().message());
    }

    @Test
    void aShutdownWhileWaitingForTheAcceleratorGivesTheJobUp() throws Exception {
        String id = jobId("wait-shutdown");
        Waiting w = waitingForTheSlot(id);
        w.delivery().stop(StopReason.SHUTDOWN);
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> w.job().get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof JobService.ShutdownInterruption, e.getCause().toString());
        assertEquals(Delivery.Outcome.GIVEN_UP, w.delivery().outcome());
        assertEquals(List.of(), events.results, "no result: the job is redelivered");
        assertEquals(List.of(), events.deadLetters);
        // Released, not crashed: the next delivery is attempt 2 with no crash against the cap.
        JobState.Attempt next = state().attempt(state().look(id), JobState.newMarker());
        assertEquals(2, next.number());
        assertEquals(1, next.unfinished());
    }

    @Test
    void aRebalanceWhileWaitingForTheAcceleratorReleasesTheJob() throws Exception {
        String id = jobId("wait-release");
        Waiting w = waitingForTheSlot(id);
        w.delivery().stop(StopReason.RELEASED);
        w.job().get(30, TimeUnit.SECONDS);
        assertEquals(Delivery.Outcome.GIVEN_UP, w.delivery().outcome());
        assertEquals(List.of(), events.results, "the partition's new owner answers");
        assertEquals(1.0, registry.counter("stylize_jobs_released_total").count());
    }

    record Waiting(Delivery delivery, CompletableFuture<Void> job) {}

    /** Starts a job while the test holds the only accelerator slot; returns once the job waits for it. */
    Waiting waitingForTheSlot(String id) throws Exception {
        JobService jobs = service();
        AcceleratorSlots.Slot held = slots.acquire(new Delivery("holder", 0));
        Delivery d = new Delivery("test", 0);
        Thread[] worker = new Thread[1];
        CompletableFuture<Void> job = new CompletableFuture<>();
        worker[0] = new Thread(() -> {
            try {
                jobs.process(id, request(id), d);
                job.complete(null);
            } catch (Throwable t) {
                job.completeExceptionally(t);
            } finally {
                held.close();
            }
        });
        worker[0].start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!inSlotWait(worker[0]) && System.nanoTime() < end) {
            assertTrue(!job.isDone(), "the job ended before it reached the slot");
            Thread.sleep(20);
        }
        assertTrue(inSlotWait(worker[0]), "the job waits for the accelerator");
        assertNull(d.stopReason());
        return new Waiting(d, job);
    }

    static boolean inSlotWait(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(AcceleratorSlots.class.getName()) && e.getMethodName().equals("acquire")) {
                return true;
            }
        }
        return false;
    }

    // ---- the recording JobEvents ----------------------------------------------------------------------

    record DeadLetter(String key, byte[] value, ErrorCode code, String message) {}

    static final class RecordingEvents implements JobEvents {
        final List<ProgressEvent> progress = new CopyOnWriteArrayList<>();
        final List<ResultEvent> results = new CopyOnWriteArrayList<>();
        final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

        @Override
        public void progress(ProgressEvent event) {
            progress.add(event);
        }

        @Override
        public void result(ResultEvent event) {
            results.add(event);
        }

        @Override
        public void deadLetter(String key, byte[] value, ErrorCode code, String message) {
            deadLetters.add(new DeadLetter(key, value, code, message));
        }

        ResultEvent onlyResult() {
            assertEquals(1, results.size(), () -> "results: " + results);
            return results.get(0);
        }

        DeadLetter onlyDeadLetter() {
            assertEquals(1, deadLetters.size(), () -> "dead letters: " + deadLetters);
            return deadLetters.get(0);
        }
    }
}
