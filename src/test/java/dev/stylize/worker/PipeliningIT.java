package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.WorkerProcess;
import dev.stylize.job.JobStatus;
import dev.stylize.job.ResultEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * Cross-job pipelining through the real broker, S3 server and worker processes: the next job of a slot
 * is fetched and prepared while the current one denoises, and nothing about delivery changes — commits
 * in order after each result, cancellation and deadlines reach a job waiting for the accelerator, and
 * SIGTERM or SIGKILL with a job prepared ahead loses nothing. Each test has a one-partition topic and a
 * group of its own, so its jobs queue on one slot. Long jobs use the slow analytic models (0.25–1 s a
 * step here).
 */
class PipeliningIT extends WorkerItBase {

    /** A one-partition requests topic and a consumer group of its own. */
    record Lane(String topic, String group, Map<String, String> env) {
        static Lane create(Map<String, String> extraEnv) throws Exception {
            String topic = "it.pipelining." + UUID.randomUUID().toString().substring(0, 8);
            kafka.createTopic(topic, 1);
            String group = "it-pipelining-" + UUID.randomUUID().toString().substring(0, 8);
            Map<String, String> env = new java.util.HashMap<>(Map.of("MP_MESSAGING_INCOMING_REQUESTS_TOPIC", topic,
                    "STYLIZE_GROUP_ID", group));
            env.putAll(extraEnv);
            return new Lane(topic, group, env);
        }

        RecordMetadata submit(String id, String extraParams, String extraFields) throws Exception {
            String req = request(id, "composite", "in/a.png", "in/b.png", null, extraParams);
            req = req.substring(0, req.length() - 1) + extraFields + "}";
            return kafka.send(topic, 0, id, req.getBytes(StandardCharsets.UTF_8));
        }

        WorkerProcess worker(String name) throws Exception {
            return WorkerItBase.worker(name, slowModels, List.of(), env);
        }
    }

    @Test
    void theNextJobIsPreparedWhileOneDenoisesAndOffsetsAreCommittedInOrder() throws Exception {
        Lane lane = Lane.create(Map.of());
        String first = jobId("pipe-first");
        String second = jobId("pipe-second");
        try (WorkerProcess w = lane.worker("pipe-on")) {
            lane.submit(first, "\"steps\":8", "");
            RecordMetadata last = lane.submit(second, "\"steps\":2", "");
            ResultEvent r1 = kafka.awaitResult(first, RESULT_TIMEOUT);
            ResultEvent r2 = kafka.awaitResult(second, RESULT_TIMEOUT);
            fetchOutput(r1);
            fetchOutput(r2);
            LocalTime secondPrepared = logTime(w, "job=" + second + " phase=PREPARED");
            LocalTime firstDone = logTime(w, "job=" + first + " phase=SUCCEEDED");
            assertNotNull(secondPrepared, w.logTail());
            assertTrue(secondPrepared.isBefore(firstDone), "the second job was prepared at " + secondPrepared
                    + ", before the first finished at " + firstDone);
            awaitCommitted(lane.group(), last, last.offset() + 1);
        }
        // Switched off, the next job is not taken before the previous one has its result.
        Lane serial = Lane.create(Map.of("STYLIZE_PIPELINING", "false"));
        String a = jobId("serial-a");
        String b = jobId("serial-b");
        try (WorkerProcess w = serial.worker("pipe-off")) {
            serial.submit(a, "\"steps\":4", "");
            serial.submit(b, "\"steps\":2", "");
            assertEquals(JobStatus.SUCCEEDED, kafka.awaitResult(b, RESULT_TIMEOUT).status());
            LocalTime bFetched = logTime(w, "job=" + b + " phase=FETCHING");
            LocalTime aDone = logTime(w, "job=" + a + " phase=SUCCEEDED");
            assertTrue(!bFetched.isBefore(aDone), "serial: b fetched at " + bFetched + ", a done at " + aDone);
        }
    }

    @Test
    void aJobWaitingForTheAcceleratorCanBeCancelledOrExpire() throws Exception {
        Lane lane = Lane.create(Map.of());
        String running = jobId("wait-running");
        String cancelled = jobId("wait-cancelled");
        String expiring = jobId("wait-expiring");
        try (WorkerProcess w = lane.worker("pipe-wait")) {
            lane.submit(running, "\"steps\":100", "");
            lane.submit(cancelled, "\"steps\":2", "");
            lane.submit(expiring, "\"steps\":2", ",\"deadline\":\"" + Instant.now().plusSeconds(8) + "\"");
            awaitLog(w, "job=" + cancelled + " phase=PREPARED");
            kafka.cancel(cancelled);
            ResultEvent c = kafka.awaitResult(cancelled, RESULT_TIMEOUT);
            assertEquals(JobStatus.CANCELLED, c.status());
            // Once the cancelled job left the queue, the next one is prepared, and waits until its deadline.
            awaitLog(w, "job=" + expiring + " phase=PREPARED");
            ResultEvent e = kafka.awaitResult(expiring, RESULT_TIMEOUT);
            assertEquals(JobStatus.EXPIRED, e.status(), () -> "" + e.error());
            assertTrue(kafka.results(running).isEmpty(), "both ended while the first job still ran");
            assertEquals(0, maxStep(cancelled) + maxStep(expiring), "neither reached the accelerator");
            ResultEvent r = kafka.awaitResult(running, RESULT_TIMEOUT);
            assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "" + r.error());
            assertHealthy(w);
        }
    }

    @Test
    void sigtermAndSigkillWithAJobPreparedAheadLoseNothing() throws Exception {
        Lane lane = Lane.create(Map.of("STYLIZE_SHUTDOWN_GRACE", "PT1S"));
        String first = jobId("stop-first");
        String second = jobId("stop-second");
        lane.submit(first, "\"steps\":40", "");
        RecordMetadata last = lane.submit(second, "\"steps\":2", "");
        try (WorkerProcess a = lane.worker("pipe-term")) {
            awaitLog(a, "job=" + second + " phase=PREPARED");
            int exit = a.stop(Duration.ofMinutes(2));
            assertEquals(143, exit, a.logTail());
            String log = Files.readString(a.log());
            assertTrue(log.contains("job=" + first + " phase=INTERRUPTED by shutdown")
                    && log.contains("job=" + second + " phase=INTERRUPTED by shutdown"), a.logTail());
        }
        kafka.drain(Duration.ofSeconds(2));
        assertTrue(kafka.results(first).isEmpty() && kafka.results(second).isEmpty(), "no result on SIGTERM");
        try (WorkerProcess b = lane.worker("pipe-kill")) {
            awaitLog(b, "job=" + second + " phase=PREPARED");
            b.kill();
        }
        kafka.drain(Duration.ofSeconds(2));
        assertTrue(kafka.results(first).isEmpty() && kafka.results(second).isEmpty(), "no result on SIGKILL");
        try (WorkerProcess c = lane.worker("pipe-after")) {
            for (String id : List.of(first, second)) {
                ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
                fetchOutput(r);
                // Released on SIGTERM (not a crash), lost on SIGKILL (counts as one): third delivery.
                assertEquals(3, r.attempt(), id);
            }
            awaitCommitted(lane.group(), last, last.offset() + 1);
        }
        kafka.drain(Duration.ofSeconds(2));
        assertEquals(1, kafka.results(first).size());
        assertEquals(1, kafka.results(second).size());
    }

    private static void awaitCommitted(String group, RecordMetadata m, long expected) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long committed = -1;
        while (System.nanoTime() < end && (committed = kafka.committed(group, m)) != expected) {
            Thread.sleep(250);
        }
        assertEquals(expected, committed, "committed offset");
    }
}
