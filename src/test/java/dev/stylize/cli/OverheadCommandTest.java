package dev.stylize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.client.KeyPartitioner;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.job.Mode;
import dev.stylize.job.Phase;
import dev.stylize.job.ResultEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverheadCommandTest {

    @Test
    void spansAreReadFromTheWorkersSucceededLines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("worker.log");
        Files.writeString(log, String.join("\n",
                "07:21:35.669 INFO  [d.s.w.JobService] (stylize-job) jobId=a job=a phase=UPLOADING done key=k bytes=155",
                "07:21:35.675 INFO  [d.s.w.JobService] (stylize-job) jobId=a job=a phase=SUCCEEDED attempt=1 ms=152"
                        + " spans={queued=33, state=28, fetch=12, publish=5}",
                "07:21:36.000 INFO  [d.s.w.JobService] (stylize-job) jobId=b job=b phase=SUCCEEDED answered from its"
                        + " recorded success",
                "07:21:36.675 INFO  [d.s.w.JobService] (stylize-job) jobId=c job=c phase=SUCCEEDED attempt=2 ms=90"
                        + " spans={state=20}"));
        Map<String, Map<String, Long>> spans = OverheadCommand.spans(log);
        assertEquals(List.of("a", "c"), List.copyOf(spans.keySet()));
        assertEquals(Map.of("queued", 33L, "state", 28L, "fetch", 12L, "publish", 5L, "ms", 152L), spans.get("a"));
        assertEquals(Map.of("state", 20L, "ms", 90L), spans.get("c"));
    }

    @Test
    void theReportSubtractsTheModelPhasesAndTheWorkersTime() {
        List<OverheadCommand.Job> jobs = List.of(new OverheadCommand.Job("a", 200, 50),
                new OverheadCommand.Job("b", 100, 40));
        Map<String, Map<String, Long>> spans = Map.of(
                "a", Map.of("queued", 30L, "state", 20L, "ms", 160L),
                "b", Map.of("queued", 10L, "state", 10L, "ms", 85L));
        List<String> lines = OverheadCommand.report(jobs, spans);
        assertRow(lines, "submit -> result", 100, 200);
        assertRow(lines, "beyond the model phases", 60, 150);
        assertRow(lines, "  queued", 10, 30);
        assertRow(lines, "  worker total", 85, 160);
        assertRow(lines, "  rest: result published", 5, 10);
        assertTrue(lines.stream().noneMatch(l -> l.contains("lines found")), "every job has its spans");
        assertTrue(OverheadCommand.report(jobs, Map.of()).stream().anyMatch(l -> l.contains("0 of 2")));
    }

    @Test
    void modelPhasesAreEncodingDenoisingAndDecoding() {
        ResultEvent r = ResultEvent.failed("j", 1, ErrorCode.INTERNAL, "timings only", Map.of(Phase.FETCHING, 7L,
                Phase.ENCODING, 3L, Phase.DENOISING, 20L, Phase.DECODING, 5L, Phase.UPLOADING, 9L), null, null);
        assertEquals(28, OverheadCommand.modelMs(r));
    }

    @Test
    void theWarmUpPutsOneJobOnEveryPartition() {
        List<String> ids = OverheadCommand.warmupIds("r", 64);
        assertEquals(64, ids.size());
        for (int p = 0; p < 64; p++) {
            assertEquals(p, KeyPartitioner.partition(ids.get(p), 64));
        }
    }

    @Test
    void requestsAreSmallValidCompositeJobs() {
        OverheadCommand c = new OverheadCommand();
        c.steps = 4;
        JobRequest r = JobJson.parseRequest(c.request("oh-x-1", "in/ref.png", "in/target.png", "x"));
        assertEquals("oh-x-1", r.jobId());
        assertEquals(Mode.COMPOSITE, r.mode());
        assertEquals("in/ref.png", r.reference().get(0).key());
        assertEquals("in/target.png", r.target().key());
        assertEquals(4, r.params().steps());
    }

    private static void assertRow(List<String> lines, String label, long p50, long p95) {
        String line = lines.stream().filter(l -> l.startsWith(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + label + " in " + lines));
        String[] cells = line.trim().split("\\s+");
        assertEquals(p50, Long.parseLong(cells[cells.length - 2]), line);
        assertEquals(p95, Long.parseLong(cells[cells.length - 1]), line);
    }
}
