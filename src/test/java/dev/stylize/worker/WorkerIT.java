package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.AnalyticOracle;
import dev.stylize.cli.WorkerProcess;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobStatus;
import dev.stylize.job.OutputInfo;
import dev.stylize.job.ResultEvent;
import dev.stylize.messaging.KafkaJobEvents;
import dev.stylize.pipeline.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker as users run it: a separate OS process ({@code serve} of the packaged jar) against the
 * real embedded broker and S3 server. Outputs are checked pixel by pixel against the analytic
 * models' formulas and against their sha256 in S3.
 */
class WorkerIT extends WorkerItBase {
    /** This test's consumer group, from the end of the requests topic: no test sees another's records. */
    String group;

    @BeforeEach
    void newGroup() throws Exception {
        group = kafka.groupAtEnd("worker-it");
    }

    /** A worker in this test's group. */
    WorkerProcess start(String name, java.nio.file.Path models, List<String> jvm, Map<String, String> env)
            throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("STYLIZE_GROUP_ID", group);
        return worker(name, models, jvm, all);
    }

    @Test
    void everyModeThroughKafka() throws Exception {
        try (WorkerProcess w = start("modes", null, List.of(), Map.of())) {
            String composite = jobId("composite");
            String inpaint = jobId("inpaint");
            String outpaint = jobId("outpaint");
            String restyle = jobId("restyle");
            String variation = jobId("variation");
            long t0 = System.nanoTime();
            kafka.submit(composite, request(composite, "composite", "in/a.png", "in/b.png", "in/l-mask.png",
                    "\"steps\":4,\"seed\":7,\"pasteBack\":false,\"previewEvery\":2"));
            ResultEvent rc = kafka.awaitResult(composite, RESULT_TIMEOUT);
            long latencyMs = (System.nanoTime() - t0) / 1_000_000;
            kafka.submit(inpaint, request(inpaint, "inpaint", "in/a.png", "in/b.png", "in/l-mask.png",
                    "\"steps\":4,\"pasteBack\":false"));
            kafka.submit(outpaint, request(outpaint, "outpaint", "in/a.png", "in/b.png", null,
                    "\"steps\":3,\"pasteBack\":false,\"outpaint\":{\"left\":0,\"right\":32,\"top\":0,\"bottom\":16}"));
            kafka.submit(restyle, request(restyle, "restyle", "in/a.png", "in/b.png", null, "\"steps\":5"));
            kafka.submit(variation, request(variation, "variation", "in/a.png", null, null, "\"steps\":3", "webp"));

            // composite: the oracle on the [A|B] canvas, B's half.
            RgbImage out = fetchOutput(rc);
            float[] canvas = new float[3 * 160 * 64];
            float[] cmask = new float[160 * 64];
            float[] ca = TestImages.chw(TestImages.uniform(64, 64, RED[0], RED[1], RED[2]));
            float[] cb = TestImages.chw(TestImages.gradient(96, 64));
            float[] m = TestImages.lMask(96, 64);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 160; x++) {
                    for (int c = 0; c < 3; c++) {
                        canvas[(c * 64 + y) * 160 + x] = x < 64 ? ca[(c * 64 + y) * 64 + x] : cb[(c * 64 + y) * 96 + x - 64];
                    }
                    cmask[y * 160 + x] = x < 64 ? 0 : m[y * 96 + x - 64];
                }
            }
            float[] expected = AnalyticOracle.expectedFillOutputPixels(canvas, cmask, colour(RED), 64, 160);
            TestImages.assertPixels(TestImages.crop(expected, 160, 64, 64, 0, 96, 64), out, "composite via Kafka");
            assertEquals(7L, rc.seed());
            List<ConsumerRecord<String, byte[]>> progress = kafka.progressRecords(composite);
            List<String> phases = progress.stream().map(r -> JobJson.parseProgress(r.value()).phase().name())
                    .distinct().toList();
            assertEquals(List.of("FETCHING", "ENCODING", "DENOISING", "DECODING", "UPLOADING"), phases);
            assertTrue(progress.stream().map(r -> JobJson.parseProgress(r.value()))
                    .filter(p -> p.phase().compareTo(dev.stylize.job.Phase.DENOISING) > 0)
                    .allMatch(p -> p.steps() > 0 && p.step() == p.steps()), "after the loop, step = steps");
            assertTrue(progress.stream().map(r -> JobJson.parseProgress(r.value()))
                    .anyMatch(p -> p.preview() != null && store.stat(p.preview().bucket(), p.preview().key()).isPresent()),
                    "a preview was uploaded");

            RgbImage in = fetchOutput(kafka.awaitResult(inpaint, RESULT_TIMEOUT));
            TestImages.assertPixels(AnalyticOracle.expectedFillOutputPixels(cb, m, colour(RED), 64, 96), in, "inpaint");

            RgbImage op = fetchOutput(kafka.awaitResult(outpaint, RESULT_TIMEOUT));
            assertEquals(128, op.width());
            assertEquals(80, op.height());
            float[] padded = new float[3 * 128 * 80];
            float[] margins = new float[128 * 80];
            for (int y = 0; y < 80; y++) {
                for (int x = 0; x < 128; x++) {
                    boolean inside = x < 96 && y < 64;
                    margins[y * 128 + x] = inside ? 0 : 1;
                    for (int c = 0; c < 3; c++) {
                        padded[(c * 80 + y) * 128 + x] = inside ? cb[(c * 64 + y) * 96 + x] : (float) (127 / 127.5 - 1);
                    }
                }
            }
            TestImages.assertPixels(AnalyticOracle.expectedFillOutputPixels(padded, margins, colour(RED), 80, 128), op,
                    "outpaint");

            RgbImage rs = fetchOutput(kafka.awaitResult(restyle, RESULT_TIMEOUT));
            TestImages.assertColour(rs, 50, 30, RED, 1);
            ResultEvent vres = kafka.awaitResult(variation, RESULT_TIMEOUT);
            assertEquals("image/webp", vres.outputs().get(0).contentType());
            assertTrue(vres.outputs().get(0).key().endsWith("/output.webp"));
            RgbImage vr = fetchOutput(vres);
            assertEquals(64, vr.width());
            TestImages.assertColour(vr, 10, 10, RED, 1);

            reportOverhead("first (cold)", rc, latencyMs);
            for (int i = 0; i < 3; i++) {
                String again = jobId("overhead");
                long s0 = System.nanoTime();
                kafka.submit(again, request(again, "composite", "in/a.png", "in/b.png", "in/l-mask.png",
                        "\"steps\":4,\"seed\":7,\"pasteBack\":false"));
                ResultEvent warm = kafka.awaitResult(again, RESULT_TIMEOUT);
                reportOverhead("warm " + (i + 1), warm, (System.nanoTime() - s0) / 1_000_000);
            }
        }
    }

    @Test
    void invalidRequestsGoToTheDeadLetterTopic() throws Exception {
        try (WorkerProcess w = start("dlq", null, List.of(), Map.of())) {
            kafka.send(kafka.topic("requests"), "not-json", "{this is not json".getBytes(StandardCharsets.UTF_8));
            ConsumerRecord<String, byte[]> bad = kafka.await(r -> r.topic().equals(kafka.topic("dlq"))
                    && "not-json".equals(r.key()), RESULT_TIMEOUT);
            assertEquals("INVALID_JSON", header(bad, KafkaJobEvents.HEADER_ERROR_CODE));
            assertEquals("{this is not json", new String(bad.value(), StandardCharsets.UTF_8), "original bytes kept");

            String id = jobId("bad-steps");
            kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":0"));
            ConsumerRecord<String, byte[]> dl = kafka.await(r -> r.topic().equals(kafka.topic("dlq")) && id.equals(r.key()),
                    RESULT_TIMEOUT);
            assertEquals("PARAM_OUT_OF_RANGE", header(dl, KafkaJobEvents.HEADER_ERROR_CODE));
            assertTrue(header(dl, KafkaJobEvents.HEADER_ERROR_MESSAGE).contains("steps"));
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            assertEquals(JobStatus.FAILED, r.status());
            assertEquals("PARAM_OUT_OF_RANGE", r.error().code());

            String missing = jobId("missing");
            kafka.submit(missing, request(missing, "composite", "in/nope.png", "in/b.png", null, "\"steps\":2"));
            ResultEvent mr = kafka.awaitResult(missing, RESULT_TIMEOUT);
            assertEquals(JobStatus.FAILED, mr.status());
            assertEquals("OBJECT_NOT_FOUND", mr.error().code());
            assertTrue(mr.error().message().contains("in/nope.png"), mr.error().message());

            String corrupt = jobId("corrupt");
            store.put(BUCKET, "in/corrupt.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0}, "image/png",
                    Map.of());
            kafka.submit(corrupt, request(corrupt, "composite", "in/corrupt.png", "in/b.png", null, "\"steps\":2"));
            assertEquals("INVALID_IMAGE", kafka.awaitResult(corrupt, RESULT_TIMEOUT).error().code());
        }
    }

    @Test
    void sameJobTwiceGivesOneOutputAndMatchingResults() throws Exception {
        try (WorkerProcess w = start("dup", null, List.of(), Map.of())) {
            String id = jobId("dup");
            String req = request(id, "composite", "in/a.png", "in/b.png", "in/l-mask.png", "\"steps\":3");
            kafka.submit(id, req);
            ResultEvent first = kafka.awaitResult(id, RESULT_TIMEOUT);
            kafka.submit(id, req);
            kafka.await(r -> r.topic().equals(kafka.topic("results")) && id.equals(r.key())
                    && kafka.results(id).size() >= 2, RESULT_TIMEOUT);
            List<ResultEvent> both = kafka.results(id);
            assertEquals(2, both.size());
            ResultEvent second = both.get(1);
            assertEquals(first.status(), second.status());
            assertEquals(first.seed(), second.seed());
            OutputInfo a = first.outputs().get(0);
            OutputInfo b = second.outputs().get(0);
            assertEquals(List.of(a.bucket(), a.key(), a.sha256(), a.width(), a.height()),
                    List.of(b.bucket(), b.key(), b.sha256(), b.width(), b.height()));
            assertFalse(second.timings().containsKey("denoise"), "the second delivery did not recompute");
            assertEquals(1, store.list(BUCKET, "it/out/" + id + "/output").size(), "one output object");
        }
    }

    @Test
    void cancelDuringDenoisingStopsWithinAStep() throws Exception {
        try (WorkerProcess w = start("cancel", slowModels, List.of(), Map.of())) {
            String id = jobId("cancel");
            kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":40"));
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 2, RESULT_TIMEOUT);
            kafka.drain(Duration.ofMillis(300));
            int seenAtCancel = maxStep(id);
            kafka.cancel(id);
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            assertEquals(JobStatus.CANCELLED, r.status());
            assertEquals("CANCELLED", r.error().code());
            kafka.drain(Duration.ofSeconds(2));
            // The step running when the cancel lands is terminated inside session.run: at most one step
            // event (one that raced with the cancel) follows it.
            assertTrue(maxStep(id) <= seenAtCancel + 1, "steps: " + seenAtCancel + " at cancel, " + maxStep(id) + " after");
            assertTrue(r.outputs().isEmpty());
        }
    }

    @Test
    void sigkillDuringDenoisingThenANewWorkerFinishesOnce() throws Exception {
        String id = jobId("sigkill");
        RecordMetadata sent;
        try (WorkerProcess a = start("sigkill-a", slowModels, List.of(), Map.of())) {
            sent = kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":12"));
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);
            a.kill();
        }
        assertTrue(kafka.results(id).isEmpty(), "no result from the killed worker");
        try (WorkerProcess b = start("sigkill-b", slowModels, List.of(), Map.of())) {
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "" + r.error());
            assertEquals(2, r.attempt(), "second delivery");
            fetchOutput(r);
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (kafka.committed(group, sent) <= sent.offset() && System.nanoTime() < end) {
                Thread.sleep(500);
            }
            assertTrue(kafka.committed(group, sent) > sent.offset(), "offset committed after the result");
        }
        kafka.drain(Duration.ofSeconds(3));
        assertEquals(1, kafka.results(id).size(), "exactly one terminal result");
        assertEquals(1, store.list(BUCKET, "it/out/" + id + "/output").size(), "one output object");
    }

    @Test
    void brokerRestartMidJobLosesNothing() throws Exception {
        try (WorkerProcess w = start("restart", slowModels, List.of(), Map.of())) {
            String id = jobId("restart");
            kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":16"));
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);
            stack.broker().stop();
            Thread.sleep(30_000);
            stack.broker().restart();
            ResultEvent r = kafka.awaitResult(id, Duration.ofMinutes(4));
            fetchOutput(r);
            kafka.drain(Duration.ofSeconds(8));
            // At-least-once: if the broker went down before the request's offset was committed, the
            // request comes back and is answered from the verified output — the same result again,
            // never a second computation or a different image.
            List<ResultEvent> all = kafka.results(id);
            for (ResultEvent each : all) {
                assertEquals(JobStatus.SUCCEEDED, each.status());
                assertEquals(r.outputs().get(0).sha256(), each.outputs().get(0).sha256());
                assertEquals(r.outputs().get(0).key(), each.outputs().get(0).key());
            }
            assertEquals(1, store.list(BUCKET, "it/out/" + id + "/output").size(), "one output object");
            System.out.println("broker restart: " + all.size() + " result record(s) for the job");
        }
    }

    @Test
    void aJobThatKillsItsWorkerEveryTimeEndsFailedAfterTheAttemptCap() throws Exception {
        // A 4000×3000 target on a 160 MB heap: decoding and the float canvas exceed it, and
        // -XX:+ExitOnOutOfMemoryError makes the JVM die as an OOM-killed pod would.
        putImage("in/huge.png", TestImages.gradient(4000, 3000));
        String id = jobId("poison");
        kafka.submit(id, request(id, "composite", "in/a.png", "in/huge.png", null, "\"steps\":2"));
        List<String> jvm = List.of("-Xmx160m", "-XX:+ExitOnOutOfMemoryError");
        Map<String, String> env = Map.of("STYLIZE_MAX_CANVAS_PIXELS", "12000000", "STYLIZE_MAX_ATTEMPTS", "2");
        ResultEvent result = null;
        for (int round = 0; round < 5 && result == null; round++) {
            WorkerProcess w = start("poison-" + round, null, jvm, env);
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (w.isAlive() && System.nanoTime() < end && kafka.results(id).isEmpty()) {
                kafka.drain(Duration.ofMillis(500));
            }
            if (!kafka.results(id).isEmpty()) {
                result = kafka.results(id).get(0);
            }
            w.close();
        }
        assertNotNull(result, "a terminal result after the crashes");
        assertEquals(JobStatus.FAILED, result.status());
        assertEquals("MAX_ATTEMPTS_EXCEEDED", result.error().code());
        assertEquals(3, result.attempt());
        assertNull(store.stat(BUCKET, "it/out/" + id + "/output.png").orElse(null));
    }

    @Test
    void sigtermPastTheGracePeriodLeavesTheJobToAnotherWorker() throws Exception {
        String id = jobId("sigterm");
        RecordMetadata sent;
        try (WorkerProcess a = start("sigterm-a", slowModels, List.of(), Map.of("STYLIZE_SHUTDOWN_GRACE", "PT1S"))) {
            sent = kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":30"));
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);
            int exit = a.stop(Duration.ofSeconds(60));
            assertTrue(Files.readString(a.log()).contains("phase=INTERRUPTED"), a.logTail());
            // The models are closed only after the stopped job's ONNX Runtime call returned: no native crash.
            assertTrue(exit == 0 || exit == 143, "exit " + exit + " on SIGTERM:\n" + a.logTail());
            assertFalse(Files.readString(a.log()).contains("SIGSEGV"), a.logTail());
        }
        kafka.drain(Duration.ofSeconds(2));
        assertTrue(kafka.results(id).isEmpty(), "an interrupted job publishes no result");
        assertTrue(kafka.committed(group, sent) <= sent.offset(), "and its offset stays uncommitted");
        try (WorkerProcess b = start("sigterm-b", slowModels, List.of(), Map.of())) {
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            fetchOutput(r);
            assertEquals(2, r.attempt());
        }
    }

    @Test
    void anS3OutageMidJobIsRiddenOut() throws Exception {
        try (WorkerProcess w = start("s3-outage", slowModels, List.of(), Map.of())) {
            String id = jobId("s3-outage");
            kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":12"));
            kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);
            stack.s3().stop();
            try {
                // Longer than the job's remaining steps: the upload meets a stopped S3 server.
                Thread.sleep(12_000);
            } finally {
                stack.s3().restart();
            }
            ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
            fetchOutput(r);
            assertTrue(Files.readString(w.log()).contains("retrying in"), "the worker retried against a stopped S3");
        }
    }
}
