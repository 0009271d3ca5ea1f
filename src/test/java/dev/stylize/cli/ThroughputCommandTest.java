package dev.stylize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.job.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputCommandTest {

    @Test
    void nearestRankPercentiles() {
        long[] v = {50, 10, 40, 20, 30};
        assertEquals(30, BenchWorker.percentile(v, 50));
        assertEquals(50, BenchWorker.percentile(v, 95));
        assertEquals(10, BenchWorker.percentile(v, 0));
        assertEquals(10, BenchWorker.percentile(v, 20));
        assertEquals(20, BenchWorker.percentile(v, 21));
        assertEquals(7, BenchWorker.percentile(new long[] {7}, 95));
        long[] twelve = new long[12];
        for (int i = 0; i < 12; i++) {
            twelve[i] = 12 - i;
        }
        assertEquals(6, BenchWorker.percentile(twelve, 50));
        assertEquals(12, BenchWorker.percentile(twelve, 95));
        assertEquals(12, twelve[0], "the input is not reordered");
        assertThrows(IllegalArgumentException.class, () -> BenchWorker.percentile(new long[0], 50));
    }

    @Test
    void requestsAreValidAndCarryTheKeysReferenceAndPrompt() {
        ThroughputCommand c = new ThroughputCommand();
        c.steps = 28;
        c.seed = 3;
        JobRequest r = JobJson.parseRequest(c.request("abc", ThroughputCommand.Setup.ON, 4, 9));
        assertEquals("tp-abc-on-4", r.jobId());
        assertEquals(Mode.COMPOSITE, r.mode());
        assertEquals(ThroughputCommand.referenceKey("abc", 9), r.reference().get(0).key());
        assertEquals(ThroughputCommand.targetKey("abc", 4), r.target().key());
        assertEquals(28, r.params().steps());
        JobRequest serial = JobJson.parseRequest(c.request("abc", ThroughputCommand.Setup.SERIAL, 4, 9));
        assertEquals(r.prompt(), serial.prompt());
        assertEquals(r.params(), serial.params(), "both modes run the same job, seed included");
        JobRequest warmup = JobJson.parseRequest(c.request("abc", ThroughputCommand.Setup.ON, -1,
                ThroughputWorkload.WARMUP_KEY));
        assertEquals("tp-abc-on-warmup", warmup.jobId());
        assertTrue(!warmup.prompt().equals(r.prompt()));
    }

    @Test
    void theReportAndTheEncoderCheckReadTheMetricsDeltas() {
        PrometheusText before = PrometheusText.parse("""
                stylize_accelerator_busy_seconds_total 10
                stylize_session_runs_total{accelerator="false",component="t5",} 1
                stylize_session_runs_total{accelerator="false",component="clip",} 1
                stylize_session_runs_total{accelerator="true",component="siglip",} 1
                stylize_session_runs_total{accelerator="true",component="redux",} 1
                stylize_session_run_seconds_total{accelerator="false",component="t5",} 2
                stylize_session_run_seconds_total{accelerator="true",component="fill_transformer",} 3
                stylize_stage_seconds_sum{stage="text",} 2
                cache_gets_total{cache="stylize_encoder_prompt",result="miss",} 1
                cache_gets_total{cache="stylize_encoder_prompt",result="hit",} 0
                """);
        PrometheusText after = PrometheusText.parse("""
                stylize_accelerator_busy_seconds_total 40
                stylize_session_runs_total{accelerator="false",component="t5",} 3
                stylize_session_runs_total{accelerator="false",component="clip",} 3
                stylize_session_runs_total{accelerator="true",component="siglip",} 3
                stylize_session_runs_total{accelerator="true",component="redux",} 4
                stylize_session_run_seconds_total{accelerator="false",component="t5",} 6
                stylize_session_run_seconds_total{accelerator="true",component="fill_transformer",} 27
                stylize_stage_seconds_sum{stage="text",} 6.5
                stylize_stage_seconds_sum{stage="preprocess",} 0.5
                cache_gets_total{cache="stylize_encoder_prompt",result="miss",} 3
                cache_gets_total{cache="stylize_encoder_prompt",result="hit",} 6
                """);
        ThroughputCommand.Measured m = new ThroughputCommand.Measured(ThroughputCommand.Setup.ON, 8, 60,
                new long[] {1000, 2000}, before, after);
        assertEquals(8.0, m.jobsPerMinute());
        assertEquals(30.0, m.acceleratorSlotSeconds());
        assertEquals(24.0, m.sessionSeconds(true));
        assertEquals(4.0, m.sessionSeconds(false));
        assertEquals(List.of("preprocess", "text"), m.hostStages(), "SigLIP/Redux are on the accelerator");
        assertEquals("6/8 (75 %)", m.cache("prompt"));
        assertEquals("off", m.cache("redux"));
        assertEquals(List.of("on: redux ran 3 times for 2 expected"), ThroughputCommand.encoderRunCheck(m, 2));
        List<String> report = ThroughputCommand.report(m, m);
        assertTrue(report.stream().anyMatch(l -> l.startsWith("jobs/min") && l.endsWith("8.00")), report.toString());
        assertTrue(report.stream().anyMatch(l -> l.startsWith("host stages s (preprocess+text)")
                && l.endsWith("5.0 (8 %)")), report.toString());
        assertTrue(report.stream().anyMatch(l -> l.startsWith("session runs t5/clip/siglip/redux")
                && l.endsWith("2/2/2/3")), report.toString());
    }
}
