package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.WorkerProcess;
import dev.stylize.imaging.StreamedPng;
import dev.stylize.job.JobStatus;
import dev.stylize.job.OutputInfo;
import dev.stylize.job.ResultEvent;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Size budgets through the real worker: a request whose output would be far past the limits fails at once with
 * its typed error in a heap the old code could not have run it in, and the largest request the limits allow
 * runs in the heap the README documents.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class SizeBudgetIT extends WorkerItBase {
    /**
     * The README's heap for the worst request at the default limits with the SerialGC these workers run with
     * (measured minimum 1050m). {@code -Dsizebudget.heap=…} re-measures.
     */
    static final String WORST_CASE_HEAP = System.getProperty("sizebudget.heap", "1200m");
    static final int SIDE = 6000; // 36 MP, the default input limit
    static final long MAX_OBJECT_BYTES = 64L << 20;

    @Test
    void a_hugeOutpaintFailsFastInASmallHeapAndTheWorkerGoesOn() throws Exception {
        byte[] blank = StreamedPng.blank(SIDE, SIDE);
        store.put(BUCKET, "in/blank-6000.png", blank, "image/png", Map.of());
        // The old plan built a 14192x14192 canvas and two float masks of that size (≈ 5 GB) before fitting.
        try (WorkerProcess w = worker("budget-small-heap", null, List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"),
                Map.of())) {
            String id = jobId("huge-outpaint");
            long t0 = System.nanoTime();
            kafka.submit(id, request(id, "outpaint", "in/a.png", "in/blank-6000.png", null, "\"steps\":2,"
                    + "\"outpaint\":{\"left\":4096,\"right\":4096,\"top\":4096,\"bottom\":4096}"));
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(JobStatus.FAILED, r.status());
            assertEquals("PARAM_OUT_OF_RANGE", r.error().code());
            assertEquals("params.outpaint: margins left 4096, right 4096, top 4096, bottom 4096 around the 6000x6000"
                    + " target make a 14192x14192 output = 201412864 pixels, more than the 36000000 allowed (the"
                    + " output is held to the input pixel limit) (target stylize/in/blank-6000.png)", r.error().message());
            assertTrue(ms < 10_000, "refused after " + ms + " ms");
            System.out.printf(Locale.ROOT, "SIZE BUDGET huge outpaint (%d-byte PNG) refused in %d ms%n", blank.length, ms);

            String ok = jobId("after-refusal");
            kafka.submit(ok, request(ok, "outpaint", "in/a.png", "in/b.png", null,
                    "\"steps\":2,\"outpaint\":{\"left\":16,\"right\":0,\"top\":0,\"bottom\":16}"));
            ResultEvent good = kafka.awaitResult(ok, RESULT_TIMEOUT);
            assertEquals(JobStatus.SUCCEEDED, good.status(), () -> "error: " + good.error());
            assertEquals(112, good.outputs().get(0).width());
            assertEquals(80, good.outputs().get(0).height());
            assertTrue(w.isAlive());
        }
    }

    @Test
    void b_theWorstAllowedRequestRunsInTheDocumentedHeap() throws Exception {
        // Every object just under the 64 MiB object limit, every image at the pixel limit: a composite with 4
        // references and 4 reference masks, a target one row short of the reference (so the reference is scaled
        // to 5999x5999 next to it) and a mask over it that leaves paste-back a 36 MP distance transform.
        int noisyRows = (int) ((MAX_OBJECT_BYTES - (1 << 20)) / (3L * SIDE + 1));
        byte[] a = StreamedPng.noisy(SIDE, SIDE, noisyRows, 1);
        byte[] b = StreamedPng.noisy(SIDE, SIDE - 1, noisyRows, 2);
        assertTrue(a.length <= MAX_OBJECT_BYTES && b.length <= MAX_OBJECT_BYTES, a.length + ", " + b.length);
        store.put(BUCKET, "in/worst-a.png", a, "image/png", Map.of());
        store.put(BUCKET, "in/worst-b.png", b, "image/png", Map.of());
        List<String> jvm = List.of("-Xmx" + WORST_CASE_HEAP, "-XX:+ExitOnOutOfMemoryError",
                "-Xlog:gc:file=" + work.resolve("worst-case-gc.log").toAbsolutePath());
        try (WorkerProcess w = worker("budget-worst-case", null, jvm, Map.of())) {
            String id = jobId("worst");
            long t0 = System.nanoTime();
            kafka.submit(id, worstRequest(id));
            ResultEvent r = kafka.awaitResult(id, Duration.ofMinutes(6));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "error: " + r.error() + "\n" + w.logTail());
            OutputInfo out = r.outputs().get(0);
            assertEquals(SIDE, out.width());
            assertEquals(SIDE - 1, out.height());
            assertTrue(store.stat(out.bucket(), out.key()).isPresent());
            assertTrue(w.isAlive());
            System.out.printf(Locale.ROOT, "SIZE BUDGET worst case in -Xmx%s: %d ms, timings %s%n", WORST_CASE_HEAP,
                    ms, r.timings());
        }
    }

    private static String worstRequest(String id) {
        StringBuilder refs = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            refs.append(i == 0 ? "" : ",").append("{\"bucket\":\"").append(BUCKET)
                    .append("\",\"key\":\"in/worst-a.png\",\"mask\":{\"bucket\":\"").append(BUCKET)
                    .append("\",\"key\":\"in/worst-a.png\"}}");
        }
        return "{\"schemaVersion\":1,\"jobId\":\"" + id + "\",\"mode\":\"composite\",\"reference\":[" + refs + "],"
                + "\"target\":{\"bucket\":\"" + BUCKET + "\",\"key\":\"in/worst-b.png\"},"
                + "\"mask\":{\"bucket\":\"" + BUCKET + "\",\"key\":\"in/worst-b.png\"},"
                + "\"params\":{\"steps\":2,\"seed\":1},"
                + "\"output\":{\"bucket\":\"" + BUCKET + "\",\"prefix\":\"it/out\",\"format\":\"png\"}}";
    }
}
