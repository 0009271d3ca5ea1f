package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.embedded.SharedStack;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.job.ModelInfo;
import dev.stylize.job.OutputInfo;
import dev.stylize.job.Phase;
import dev.stylize.job.ResultEvent;
import dev.stylize.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The durable job state against the real S3 server. */
class JobStateTest {
    static ObjectStore store;
    static JobState state;

    @BeforeAll
    static void open() {
        store = new ObjectStore(SharedStack.get().s3Settings());
        state = new JobState(store, WorkerConfig.DEFAULT_STATE_BUCKET, "jobs-test");
    }

    @AfterAll
    static void close() {
        store.close();
    }

    static String jobId() {
        return "state-" + UUID.randomUUID();
    }

    @Test
    void concurrentDeliveriesNeverLoseACount() throws Exception {
        String id = jobId();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<JobState.Attempt>> begins = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                begins.add(() -> begin(id));
            }
            List<Integer> numbers = new ArrayList<>();
            for (Future<JobState.Attempt> f : pool.invokeAll(begins)) {
                numbers.add(f.get().number());
            }
            // Each counts the markers written before its own look, whatever the interleaving...
            assertTrue(numbers.stream().allMatch(k -> k >= 1 && k <= n), numbers.toString());
        } finally {
            pool.shutdown();
        }
        // ...and the next delivery counts every one of them: no increment was lost.
        JobState.Attempt next = begin(id);
        assertEquals(n + 1, next.number());
        assertEquals(n + 1, next.unfinished());
    }

    @Test
    void releasedDeliveriesCountAsAttemptsButNotAsCrashes() {
        String id = jobId();
        JobState.Attempt first = begin(id);
        state.release(first);
        JobState.Attempt second = begin(id);
        assertEquals(2, second.number());
        assertEquals(1, second.unfinished());
        state.release(second);
        state.clear(begin(id));
        assertEquals(List.of(), store.list(WorkerConfig.DEFAULT_STATE_BUCKET, "jobs-test/" + id + "/"));
        assertEquals(1, begin(id).number(), "a cleared job starts counting again");
    }

    @Test
    void aRecordedSuccessReadsBackAsWritten() {
        String id = jobId();
        assertTrue(state.success(id).isEmpty());
        ResultEvent result = ResultEvent.succeeded(id, 2, List.of(new OutputInfo("out", "p/" + id + "/output.png",
                "s3://out/p/" + id + "/output.png", 96, 64, "a".repeat(64), "image/png")), Map.of(Phase.DENOISING, 12L),
                7L, new ModelInfo("m", "b".repeat(64)));
        state.recordSuccess(id, new JobState.Success("c".repeat(64), result));
        JobState.Success back = state.success(id).orElseThrow();
        assertEquals("c".repeat(64), back.requestSha256());
        assertEquals(result, back.result());
    }

    @Test
    void theFingerprintIgnoresOnlyTheDeadline() {
        String base = "{\"schemaVersion\":1,\"jobId\":\"fp\",\"mode\":\"composite\",\"reference\":[{\"bucket\":\"b\","
                + "\"key\":\"a.png\"}],\"target\":{\"bucket\":\"b\",\"key\":\"t.png\"},\"params\":{\"seed\":1},"
                + "\"output\":{\"bucket\":\"b\"}";
        String fp = JobState.fingerprint(parse(base + "}"));
        assertEquals(fp, JobState.fingerprint(parse(base + ",\"deadline\":\"2030-01-01T00:00:00Z\"}")));
        assertNotEquals(fp, JobState.fingerprint(parse(base.replace("\"seed\":1", "\"seed\":2") + "}")));
        assertNotEquals(fp, JobState.fingerprint(parse(base.replace("t.png", "u.png") + "}")));
        assertNotEquals(fp, JobState.fingerprint(parse(base + ",\"prompt\":\"x\"}")));
    }

    @Test
    void outputsMayNotLieAmongTheState() {
        assertTrue(state.reserves(WorkerConfig.DEFAULT_STATE_BUCKET, "jobs-test/x/output.png"));
        assertTrue(!state.reserves(WorkerConfig.DEFAULT_STATE_BUCKET, "jobs-testing/x/output.png"));
        assertTrue(!state.reserves("stylize", "jobs-test/x/output.png"));
    }

    @Test
    void aDeliveryCountsItsOwnMarkerOnceWhetherItsLookSawItOrNot() {
        String id = jobId();
        begin(id); // an earlier delivery that died
        String own = JobState.newMarker();
        JobState.Snapshot before = state.look(id);
        state.mark(state.unread(id, own));
        JobState.Snapshot after = state.look(id);
        for (JobState.Snapshot s : List.of(before, after)) {
            JobState.Attempt a = state.attempt(s, own);
            assertEquals(2, a.number());
            assertEquals(2, a.unfinished());
            assertEquals(2, a.markerKeys().size(), a.markerKeys().toString());
            assertEquals(2, a.markerKeys().stream().distinct().count());
        }
    }

    @Test
    void onlyMarkerNamesCountNotAWriteInProgressListedByAFileBackedServer() {
        String id = jobId();
        String own = JobState.newMarker();
        // S3Proxy's filesystem store lists <key>-<uuid> while it writes <key>.
        store.put(WorkerConfig.DEFAULT_STATE_BUCKET, "jobs-test/" + id + "/attempts/" + own + "-" + UUID.randomUUID(),
                new byte[0], null, Map.of());
        JobState.Snapshot s = state.look(id);
        assertEquals(List.of(), s.markerKeys());
        JobState.Attempt a = state.attempt(s, own);
        assertEquals(1, a.number());
        assertEquals(1, a.unfinished());
    }

    /** What a delivery does: its marker, then one look (in the worker both go at once). */
    static JobState.Attempt begin(String id) {
        String marker = JobState.newMarker();
        state.mark(state.unread(id, marker));
        return state.attempt(state.look(id), marker);
    }

    static JobRequest parse(String json) {
        return JobJson.parseRequest(json.getBytes(StandardCharsets.UTF_8));
    }
}
