package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.WorkerProcess;
import dev.stylize.job.JobStatus;
import dev.stylize.job.ResultEvent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Faults around the worker, each staged for real: workers joining and leaving while long jobs run, the
 * S3 server stopped or frozen for longer than one call's retries, deadlines passing mid-job, a port
 * already taken at start-up. Long jobs use the slow analytic models (about a second per step here).
 */
class FaultToleranceIT extends WorkerItBase {

    /** A two-partition requests topic and a group of their own, so a joining worker takes exactly one partition. */
    record ScaleSetup(String topic, String group, Map<String, String> env) {
        static ScaleSetup create(Duration drain) throws Exception {
            String topic = "it.requests." + UUID.randomUUID().toString().substring(0, 8);
            kafka.createTopic(topic, 2);
            String group = "it-scale-" + UUID.randomUUID().toString().substring(0, 8);
            return new ScaleSetup(topic, group, Map.of("MP_MESSAGING_INCOMING_REQUESTS_TOPIC", topic,
                    "STYLIZE_GROUP_ID", group, "STYLIZE_REBALANCE_DRAIN", drain.toString()));
        }

        void submit(String id, int partition, int steps) throws Exception {
            kafka.send(topic, partition, id, request(id, "composite", "in/a.png", "in/b.png", null,
                    "\"steps\":" + steps).getBytes(StandardCharsets.UTF_8));
        }

        /** Waits until a worker other than the first owner holds {@code partition}. */
        void awaitMoved(int partition, String firstOwner) throws Exception {
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < end) {
                String owner = kafka.owners(group, topic).get(partition);
                if (owner != null && !owner.equals(firstOwner)) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError("partition " + partition + " never moved: " + kafka.owners(group, topic));
        }
    }

    @Test
    void aJobWhosePartitionMovesOnScaleUpFinishesOnItsWorkerAndIsNotRunAgain() throws Exception {
        ScaleSetup setup = ScaleSetup.create(Duration.ofMinutes(2));
        String id = jobId("scale-drain");
        try (WorkerProcess a = worker("scale-drain-a", slowModels, List.of(), setup.env())) {
            // Partition 1: the cooperative-sticky assignor gives a joining member the owner's last partitions.
            setup.submit(id, 1, 25);
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);
            String ownerA = kafka.owners(setup.group(), setup.topic()).get(1);
            try (WorkerProcess b = worker("scale-drain-b", slowModels, List.of(), setup.env())) {
                ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
                assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "" + r.error());
                assertEquals(1, r.attempt());
                setup.awaitMoved(1, ownerA);
                kafka.drain(Duration.ofSeconds(5));
                String logA = Files.readString(a.log());
                assertTrue(logA.contains("revoked while its job runs") && logA.contains("revoked after its job finished; "
                        + "committed offset"), a.logTail());
                assertFalse(Files.readString(b.log()).contains("job=" + id + " phase=FETCHING"),
                        "the new owner did not run the job again:\n" + b.logTail());
            }
        }
        assertEquals(1, kafka.results(id).size(), "one result");
    }

    @Test
    void aJobPastTheRebalanceDrainIsReleasedBeforeTheNewOwnerStartsIt() throws Exception {
        ScaleSetup setup = ScaleSetup.create(Duration.ofSeconds(2));
        String id = jobId("scale-release");
        try (WorkerProcess a = worker("scale-release-a", slowModels, List.of(), setup.env())) {
            // 60 slow steps (≈ 15 s): the job must outlast B's start-up and the 2 s drain after the revocation; with
            // 30 (≈ 8 s) a slow start of B once let A finish inside the drain, and B had nothing to take over.
            setup.submit(id, 1, 60);
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);
            try (WorkerProcess b = worker("scale-release-b", slowModels, List.of(), setup.env())) {
                awaitLog(b, "job=" + id + " phase=FETCHING");
                LocalTime released = logTime(a, "job=" + id + " phase=RELEASED");
                LocalTime startedOnB = logTime(b, "job=" + id + " phase=FETCHING");
                assertNotNull(released, a.logTail());
                assertFalse(startedOnB.isBefore(released), "B started at " + startedOnB + ", A released at " + released);
                // Scale-down while B runs it: B finishes within its grace period; A does not start it again.
                kafka.awaitProgress(id, p -> p.attempt() == 2 && p.phase().name().equals("DENOISING"), RESULT_TIMEOUT);
                int exit = b.stop(Duration.ofMinutes(4));
                assertTrue(exit == 0 || exit == 143, "exit " + exit + ":\n" + b.logTail());
            }
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "" + r.error());
            assertEquals(2, r.attempt(), "the released delivery counts as an attempt, not as a crash");
            kafka.drain(Duration.ofSeconds(8));
            assertEquals(1, Files.readString(a.log()).split("job=" + id + " phase=FETCHING", -1).length - 1,
                    "A ran the job once, before it released it:\n" + a.logTail());
        }
        assertEquals(1, kafka.results(id).size(), "one result");
        assertEquals(1, store.list(BUCKET, "it/out/" + id + "/output").size());
    }

    @Test
    void anS3OutageLongerThanOneCallsRetriesIsRiddenOutWithinTheBudget() throws Exception {
        try (WorkerProcess w = worker("s3-long", slowModels, List.of(), Map.of())) {
            String id = jobId("s3-long");
            kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":6"));
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);
            stack.s3().stop();
            try {
                // Longer than the ~35 s one S3 call retries for: the job's own retry must take over.
                Thread.sleep(45_000);
            } finally {
                stack.s3().restart();
            }
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            fetchOutput(r);
            assertEquals(1, r.attempt(), "an outage does not use up attempts");
            assertTrue(Files.readString(w.log()).contains("phase=RETRY step=upload code=STORAGE_UNAVAILABLE"),
                    w.logTail());
        }
        // A budget that runs out ends the job FAILED, STORAGE_UNAVAILABLE, and only then.
        try (WorkerProcess w = worker("s3-budget", slowModels, List.of(), Map.of("STYLIZE_RETRY_BUDGET", "PT20S",
                "STYLIZE_S3_RETRY_ATTEMPTS", "2"))) {
            String id = jobId("s3-budget");
            kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":6"));
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);
            stack.s3().stop();
            ResultEvent r;
            try {
                r = kafka.awaitResult(id, RESULT_TIMEOUT);
            } finally {
                stack.s3().restart();
            }
            assertEquals("STORAGE_UNAVAILABLE", r.error().code());
            assertEquals(1, r.attempt());
            long retries = Files.readAllLines(w.log()).stream()
                    .filter(l -> l.contains("job=" + id + " phase=RETRY step=upload")).count();
            assertTrue(retries >= 2, "the upload was retried within the budget before the job failed: " + retries);
        }
    }

    @Test
    void aFrozenS3ServerIsNoticedInSeconds() throws Exception {
        try (WorkerProcess w = worker("s3-frozen", null, List.of(), Map.of())) {
            String id = jobId("s3-frozen");
            stack.s3().freeze();
            Instant frozen = Instant.now();
            try {
                kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":2"));
                awaitLog(w, "retrying in");
            } finally {
                stack.s3().thaw();
            }
            long noticedMs = Duration.between(frozen, Instant.now()).toMillis();
            assertTrue(noticedMs < 15_000, "a frozen S3 server was noticed after " + noticedMs + " ms");
            System.out.println("frozen S3 noticed after " + noticedMs + " ms");
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "" + r.error());
        }
    }

    @Test
    void aDeadlineThatPassesMidJobEndsItExpired() throws Exception {
        try (WorkerProcess w = worker("deadline", slowModels, List.of(), Map.of())) {
            String id = jobId("deadline");
            Instant deadline = Instant.now().plusSeconds(12);
            // 200 slow steps take 20-80 s (0.1-0.4 s a step with load): 60 once finished 0.5 s inside the deadline.
            String req = request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":200");
            req = req.substring(0, req.length() - 1) + ",\"deadline\":\"" + deadline + "\"}";
            kafka.submit(id, req);
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            Instant answered = Instant.now();
            assertEquals(JobStatus.EXPIRED, r.status());
            assertEquals("DEADLINE_EXPIRED", r.error().code());
            assertTrue(maxStep(id) > 0 && maxStep(id) < 200, "stopped mid-job at step " + maxStep(id));
            assertTrue(Duration.between(deadline, answered).toSeconds() < 10, "answered at " + answered);
        }
    }

    @Test
    void aWorkerThatCannotServeNeverStartsAJob() throws Exception {
        String id = jobId("port-taken");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":2"));
            WorkerProcess b = WorkerProcess.start(workerEnv(Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort()))),
                    List.of("-Xmx1g", "-XX:+UseSerialGC"), work.resolve("port-taken.log"));
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (b.isAlive() && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            assertFalse(b.isAlive(), "the worker exits when it cannot bind its port");
            String log = Files.readString(b.log());
            assertFalse(log.contains("job=" + id + " phase=FETCHING"), log);
        }
        try (WorkerProcess w = worker("port-free", null, List.of(), Map.of())) {
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "" + r.error());
            assertEquals(1, r.attempt(), "the worker that could not start left no attempt behind");
        }
    }
}
