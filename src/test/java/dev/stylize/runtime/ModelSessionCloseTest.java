package dev.stylize.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.stylize.analytic.AnalyticModels;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.PositionIds;
import dev.stylize.pipeline.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing models while runs are in flight (SIGTERM during a job): close waits for the runs instead
 * of freeing sessions under them, refuses new runs with CANCELLED, and after its timeout leaves a
 * busy session open rather than freeing it.
 */
class ModelSessionCloseTest {
    /** Latent 8×8 → 16 tokens of 64 channels; 512 text rows as the analytic graphs expect. */
    private static final int LATENT = 8;
    private static final int TOKENS = (LATENT / 2) * (LATENT / 2);
    private static final int TEXT_ROWS = AnalyticModels.TEXT_ROWS;

    @TempDir
    static Path slowDir;

    /**
     * The dev transformer plus a chain of MatMuls, ~270 GFLOP: a run lasts about 2 s here and well
     * over 100 ms on any CPU; no assertion depends on it except where said.
     */
    @BeforeAll
    static void writeSlowSet() throws IOException {
        AnalyticModels.write(slowDir, AnalyticModels.Options.defaults().withId("analytic-slow-close")
                .withTextEncoders(false).withSlowMatmul(512, 1000));
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** Signals when a run has entered the session (before the native call) and can hold it there. */
    private static final class Gate implements SessionObserver {
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch proceed = new CountDownLatch(0);

        @Override
        public void onRun(Component component, Map<String, float[]> inputs, Map<String, long[]> shapes) {
            entered.countDown();
            try {
                if (!proceed.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never let the run proceed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ModelSet load(Path dir, SessionObserver observer) {
        ModelSet set = ModelSet.load(dir, RuntimeConfig.cpu().withVerifyChecksums(false), observer);
        toClose.add(set);
        return set;
    }

    private RunControl control() {
        RunControl c = new RunControl();
        toClose.add(c);
        return c;
    }

    /** Fixed transformer inputs, the same for the slow and the fast dev graph. */
    private Map<String, HostTensor> feed(ModelSession s) {
        Random r = new Random(7);
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put(Component.TransformerRoles.HIDDEN_STATES, s.input(Component.TransformerRoles.HIDDEN_STATES,
                gaussian(r, TOKENS * 64), 1, TOKENS, 64));
        m.put(Component.TransformerRoles.ENCODER_HIDDEN_STATES, s.input(Component.TransformerRoles.ENCODER_HIDDEN_STATES,
                gaussian(r, TEXT_ROWS * 4096), 1, TEXT_ROWS, 4096));
        m.put(Component.TransformerRoles.POOLED_PROJECTIONS, s.input(Component.TransformerRoles.POOLED_PROJECTIONS,
                gaussian(r, 768), 1, 768));
        m.put(Component.TransformerRoles.TIMESTEP, s.input(Component.TransformerRoles.TIMESTEP, new float[] {0.6f}, 1));
        m.put(Component.TransformerRoles.IMG_IDS, s.input(Component.TransformerRoles.IMG_IDS,
                PositionIds.imageIds(LATENT, LATENT), TOKENS, 3));
        m.put(Component.TransformerRoles.TXT_IDS, s.input(Component.TransformerRoles.TXT_IDS,
                new float[TEXT_ROWS * 3], TEXT_ROWS, 3));
        m.put(Component.TransformerRoles.GUIDANCE, s.input(Component.TransformerRoles.GUIDANCE, new float[] {3.5f}, 1));
        toClose.addAll(m.values());
        return m;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** The dev transformer's output on {@link #feed}, from the fast graph (the slow one adds 0·work). */
    private float[] expectedLatent() {
        ModelSession fast = load(TestModels.imageOnlyDev(), null).session(Component.DEV_TRANSFORMER);
        return fast.run(feed(fast), control()).get("latent");
    }

    private static CompletableFuture<Map<String, float[]>> runAsync(ModelSession s, Map<String, HostTensor> feed,
            RunControl control) {
        return CompletableFuture.supplyAsync(() -> s.run(feed, control), r -> new Thread(r, "run").start());
    }

    /** Starts {@code set.close(timeout)} on its own thread; the future holds its result. */
    private static CompletableFuture<Boolean> closeAsync(ModelSet set, Duration timeout, Thread[] thread) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        thread[0] = new Thread(() -> {
            try {
                f.complete(set.close(timeout));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        }, "close");
        thread[0].start();
        return f;
    }

    /** Until the thread blocks in a timed wait (close waiting for runs) or ends (close did not wait). */
    private static void awaitWaitingOrDone(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.TIMED_WAITING && t.getState() != Thread.State.TERMINATED) {
            if (System.nanoTime() > deadline) {
                fail("close thread neither waited nor ended: " + t.getState());
            }
            Thread.sleep(5);
        }
    }

    private static StylizeException cause(ExecutionException e) {
        if (e.getCause() instanceof StylizeException se) {
            return se;
        }
        throw new AssertionError("expected a StylizeException, got " + e.getCause(), e.getCause());
    }

    @Test
    void closeReturnsOnlyAfterTheRunInFlightReturnedAndTheRunCompletesNormally() throws Exception {
        float[] expected = expectedLatent();
        Gate gate = new Gate();
        gate.proceed = new CountDownLatch(1);
        ModelSet set = load(slowDir, gate);
        ModelSession slow = set.session(Component.DEV_TRANSFORMER);
        CompletableFuture<Map<String, float[]>> run = runAsync(slow, feed(slow), control());
        assertTrue(gate.entered.await(30, TimeUnit.SECONDS));

        // Close starts while the run holds the session; only then does the run enter the native call.
        Thread[] closer = new Thread[1];
        long[] runsWhenCloseReturned = {-1};
        CompletableFuture<Boolean> closed = closeAsync(set, Duration.ofSeconds(60), closer)
                .whenComplete((ok, t) -> runsWhenCloseReturned[0] = slow.runCount());
        awaitWaitingOrDone(closer[0]);
        gate.proceed.countDown();

        assertArrayEquals(expected, run.get(60, TimeUnit.SECONDS).get("latent"));
        assertTrue(closed.get(60, TimeUnit.SECONDS), "everything freed");
        // runCount is incremented inside the run, after the native call returned: close saw it.
        assertEquals(1, runsWhenCloseReturned[0], "close returned before the run in flight had returned");
        assertEquals(ErrorCode.CANCELLED, assertThrows(StylizeException.class,
                () -> slow.run(feed(slow), control())).code());
    }

    /** The reported crash: SIGTERM's close lands while ONNX Runtime computes (old code: SIGSEGV here). */
    @Test
    void closeInTheMiddleOfTheNativeCallWaitsForIt() throws Exception {
        float[] expected = expectedLatent();
        Gate gate = new Gate();
        ModelSet set = load(slowDir, gate);
        ModelSession slow = set.session(Component.DEV_TRANSFORMER);
        CompletableFuture<Map<String, float[]>> run = runAsync(slow, feed(slow), control());
        assertTrue(gate.entered.await(30, TimeUnit.SECONDS));
        Thread.sleep(300); // into the native call, which lasts far longer (see writeSlowSet)
        assertFalse(run.isDone(), "the slow run ended before close; make it slower");

        assertTrue(set.close(Duration.ofSeconds(60)), "everything freed");
        assertEquals(1, slow.runCount(), "close returned before the run in flight had returned");
        assertArrayEquals(expected, run.get(60, TimeUnit.SECONDS).get("latent"));
    }

    @Test
    void aRunCancelledWhileCloseWaitsEndsCancelledAndCloseThenFreesEverything() throws Exception {
        Gate gate = new Gate();
        gate.proceed = new CountDownLatch(1);
        ModelSet set = load(slowDir, gate);
        ModelSession slow = set.session(Component.DEV_TRANSFORMER);
        RunControl control = control();
        CompletableFuture<Map<String, float[]>> run = runAsync(slow, feed(slow), control);
        assertTrue(gate.entered.await(30, TimeUnit.SECONDS));

        Thread[] closer = new Thread[1];
        CompletableFuture<Boolean> closed = closeAsync(set, Duration.ofSeconds(60), closer);
        awaitWaitingOrDone(closer[0]);
        assertFalse(closed.isDone(), "close did not wait for the run in flight");
        gate.proceed.countDown();
        // Into the native call (≥ 100 ms long, see writeSlowSet): the cancel must land while it computes.
        Thread.sleep(100);
        assertFalse(run.isDone(), "the slow run ended before the cancel; make it slower");
        control.cancel(); // what the worker's lifecycle does when the grace period is over

        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
        assertEquals(ErrorCode.CANCELLED, cause(e).code());
        assertTrue(closed.get(60, TimeUnit.SECONDS), "everything freed");
        assertEquals(0, slow.runCount());
    }

    @Test
    void runsAndTokenizerCallsAfterCloseFailCancelled() {
        ModelSet set = load(TestModels.full(), null);
        ModelSession t5 = set.session(Component.T5);
        PromptTokenizer tokenizer = set.tokenizer(Component.T5, 512);
        HostTensor ids = t5.inputIds("input_ids", tokenizer.encode("a cat"), 1, 512);
        toClose.add(ids);
        set.close();

        StylizeException run = assertThrows(StylizeException.class,
                () -> t5.run(Map.of("input_ids", ids), control()));
        assertEquals(ErrorCode.CANCELLED, run.code());
        assertTrue(run.getMessage().contains("t5"), run.getMessage());
        assertEquals(ErrorCode.CANCELLED, assertThrows(StylizeException.class, () -> tokenizer.encode("a cat")).code());
        // Not loaded before close: not loaded after it either (it would never be freed).
        assertEquals(ErrorCode.CANCELLED,
                assertThrows(StylizeException.class, () -> set.tokenizer(Component.CLIP, 77)).code());
    }

    @Test
    void closeGivesUpAfterItsTimeoutAndLeavesTheBusySessionOpen() throws Exception {
        float[] expected = expectedLatent();
        Gate gate = new Gate();
        gate.proceed = new CountDownLatch(1); // the run does not return until the test lets it
        ModelSet set = load(TestModels.imageOnlyDev(), gate);
        ModelSession dev = set.session(Component.DEV_TRANSFORMER);
        CompletableFuture<Map<String, float[]>> run = runAsync(dev, feed(dev), control());
        assertTrue(gate.entered.await(30, TimeUnit.SECONDS));

        List<LogRecord> errors = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ModelSet.class.getName());
        log.addHandler(capture);
        long t0 = System.nanoTime();
        boolean freed;
        try {
            freed = set.close(Duration.ofMillis(300));
        } finally {
            log.removeHandler(capture);
        }
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;

        assertFalse(freed, "close claims it freed a session whose run is still in flight");
        assertTrue(waitedMs >= 300, "returned after " + waitedMs + " ms, before its timeout");
        assertFalse(run.isDone());
        assertEquals(1, errors.size(), "one ERROR line");
        String logged = errors.get(0).getMessage() + " " + Arrays.toString(errors.get(0).getParameters());
        assertTrue(logged.contains("dev_transformer"), logged);

        // The session was not freed: the run goes on and completes correctly.
        gate.proceed.countDown();
        assertArrayEquals(expected, run.get(60, TimeUnit.SECONDS).get("latent"));
        assertTrue(set.close(Duration.ofSeconds(5)), "a later close frees what has become idle");
    }

    @Test
    void closingTheRunControlDuringARunKeepsItsOptionsAliveSoALateCancelStillStopsTheRun() throws Exception {
        Gate gate = new Gate();
        gate.proceed = new CountDownLatch(1);
        ModelSet set = load(slowDir, gate);
        ModelSession slow = set.session(Component.DEV_TRANSFORMER);
        RunControl control = new RunControl();
        CompletableFuture<Map<String, float[]>> run = runAsync(slow, feed(slow), control);
        assertTrue(gate.entered.await(30, TimeUnit.SECONDS)); // the run holds the control's options now

        // The job's control is closed under the run (its owner gave up on it), then a cancel arrives.
        control.close();
        control.cancel();
        gate.proceed.countDown();
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
        assertEquals(ErrorCode.CANCELLED, cause(e).code(), "the cancel reached the run");
        assertEquals(0, slow.runCount());

        // A run with a control whose job has ended is a caller bug: typed, and no native call.
        RunControl ended = new RunControl();
        ended.close();
        assertEquals(ErrorCode.INTERNAL,
                assertThrows(StylizeException.class, () -> slow.run(feed(slow), ended)).code());
        ended.cancel(); // after close: a no-op, not a use of freed options
    }
}
