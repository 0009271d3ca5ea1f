package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.WorkerProcess;
import dev.stylize.job.JobStatus;
import dev.stylize.job.ResultEvent;
import dev.stylize.messaging.KafkaJobEvents;
import dev.stylize.runtime.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records an adversary (or a buggy client) sends, through the real broker and S3 server, to one
 * worker process: none of them stops a consumer or flips health, none overwrites a success, and what
 * cannot be read lands on the dead-letter topic. Each test ends by checking the worker still serves.
 */
class EdgeCasesIT extends WorkerItBase {
    static WorkerProcess worker;

    @BeforeAll
    static void startWorker() throws Exception {
        worker = worker("edge", null, List.of(), Map.of());
    }

    @AfterAll
    static void stopWorker() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void tombstonesAndJunkStopNeitherTheRequestsNorTheControlConsumer() throws Exception {
        String key = jobId("tombstone");
        kafka.send(kafka.topic("requests"), key, null);
        ConsumerRecord<String, byte[]> dl = kafka.awaitDeadLetter(key, RESULT_TIMEOUT);
        assertEquals("INVALID_JSON", header(dl, KafkaJobEvents.HEADER_ERROR_CODE));
        assertTrue(header(dl, KafkaJobEvents.HEADER_ERROR_MESSAGE).contains("tombstone"));

        // Every pod reads the control topic from its start: junk there must be skipped, forever.
        kafka.send(kafka.topic("control"), "some-job", null);
        kafka.send(kafka.topic("control"), null, null);
        kafka.send(kafka.topic("control"), null, new byte[] {(byte) 0xff, 0, '{'});
        kafka.send(kafka.topic("control"), null, "{\"jobId\": 42}".getBytes(StandardCharsets.UTF_8));
        String cancelled = jobId("cancel-after-junk");
        kafka.cancel(cancelled);
        awaitLog(worker, "job=" + cancelled + " phase=CONTROL cancel requested");
        kafka.submit(cancelled, request(cancelled, "composite", "in/a.png", "in/b.png", null, "\"steps\":2"));
        ResultEvent r = kafka.awaitResult(cancelled, RESULT_TIMEOUT);
        assertEquals(JobStatus.CANCELLED, r.status(), "the control consumer still works after the junk");

        assertServes(worker);
        // A new pod reads the same junk from the start of the topic and comes up healthy.
        try (WorkerProcess fresh = worker("edge-fresh", null, List.of(), Map.of())) {
            awaitLog(fresh, "job=" + cancelled + " phase=CONTROL cancel requested");
            assertHealthy(fresh);
        }
    }

    @Test
    void aRequestTooLargeForTheDeadLetterTopicIsCopiedCut() throws Exception {
        String id = jobId("huge-prompt");
        String head = request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":2");
        // About 1 MB: the broker's default limit takes it, the DLQ copy with headers would not fit.
        char[] prompt = new char[1_048_000 - head.length()];
        Arrays.fill(prompt, 'x');
        byte[] value = (head.substring(0, head.length() - 1) + ",\"prompt\":\"" + new String(prompt) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        kafka.send(kafka.topic("requests"), id, value);
        ConsumerRecord<String, byte[]> dl = kafka.awaitDeadLetter(id, RESULT_TIMEOUT);
        assertEquals("INVALID_REQUEST", header(dl, KafkaJobEvents.HEADER_ERROR_CODE));
        assertEquals(Integer.toString(value.length), header(dl, KafkaJobEvents.HEADER_ORIGINAL_SIZE));
        assertEquals(Sha256.of(value), header(dl, KafkaJobEvents.HEADER_ORIGINAL_SHA256));
        assertTrue(dl.value().length < value.length);
        assertArrayEquals(Arrays.copyOf(value, dl.value().length), dl.value(), "a prefix of the original");
        ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
        assertEquals("INVALID_REQUEST", r.error().code());
        assertServes(worker);
    }

    @Test
    void aSucceededJobStaysSucceeded() throws Exception {
        String id = jobId("monotonic");
        String req = request(id, "composite", "in/a.png", "in/b.png", "in/l-mask.png", "\"steps\":2,\"seed\":5");
        kafka.submit(id, req);
        ResultEvent first = kafka.awaitResult(id, RESULT_TIMEOUT);
        assertEquals(JobStatus.SUCCEEDED, first.status(), () -> "" + first.error());

        // Delivered again and again (at-least-once): the same success, never MAX_ATTEMPTS_EXCEEDED.
        for (int i = 0; i < 4; i++) {
            kafka.submit(id, req);
        }
        // A malformed request, another seed, a target that does not exist, all under the same id.
        String malformed = request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":0");
        String otherSeed = request(id, "composite", "in/a.png", "in/b.png", "in/l-mask.png", "\"steps\":2,\"seed\":6");
        String otherTarget = request(id, "composite", "in/a.png", "in/nope.png", "in/l-mask.png", "\"steps\":2,\"seed\":5");
        kafka.submit(id, malformed);
        kafka.submit(id, otherSeed);
        kafka.submit(id, otherTarget);
        String marker = jobId("after");
        kafka.submit(marker, request(marker, "composite", "in/a.png", "in/b.png", null, "\"steps\":2"));
        kafka.awaitResult(marker, RESULT_TIMEOUT); // same worker, later: everything before it is done
        kafka.drain(Duration.ofSeconds(2));
        assertTrue(store.list(WorkerConfig.DEFAULT_STATE_BUCKET, "jobs/" + id + "/").stream()
                .noneMatch(k -> k.contains("/attempts/")), "attempt markers are removed once the result is out");

        List<ResultEvent> all = kafka.results(id);
        assertEquals(5, all.size(), "one result per delivery of the same request, none for the others");
        for (ResultEvent r : all) {
            assertEquals(JobStatus.SUCCEEDED, r.status());
            assertEquals(first.outputs().get(0).sha256(), r.outputs().get(0).sha256());
            assertEquals(first.attempt(), r.attempt());
            assertEquals(first.seed(), r.seed());
        }
        List<String> codes = kafka.deadLetters(id).stream().map(d -> header(d, KafkaJobEvents.HEADER_ERROR_CODE))
                .toList();
        assertEquals(List.of("PARAM_OUT_OF_RANGE", "JOB_ID_CONFLICT", "JOB_ID_CONFLICT"), codes);
        assertEquals(1, store.list(BUCKET, "it/out/" + id + "/output").size());
        assertServes(worker);
    }

    @Test
    void controlCharactersInKeysAndIdsAreEscaped() throws Exception {
        String forged = "12:00:00.000 INFO  [d.s.w.JobService] job=victim phase=SUCCEEDED";
        String key = jobId("evil") + "\n" + forged;
        kafka.send(kafka.topic("requests"), key, "{\"schemaVersion\":1,\"jobId\":\"bad\\nid\"}".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> dl = kafka.awaitDeadLetter(key, RESULT_TIMEOUT);
        assertEquals(key, dl.key(), "the key is copied as it was, so the request can be fixed and sent again");
        String message = header(dl, KafkaJobEvents.HEADER_ERROR_MESSAGE);
        assertTrue(message.contains("bad\\nid"), message);
        assertFalse(message.chars().anyMatch(Character::isISOControl), message);
        awaitLog(worker, "evil");
        for (String line : Files.readAllLines(worker.log())) {
            assertFalse(line.startsWith(forged), "a forged log line: " + line);
        }
        assertTrue(Files.readString(worker.log()).contains("\\n" + forged), "the key is logged escaped");
        assertServes(worker);
    }

    @Test
    void aRepeatedStyleReferenceAndPromptComeFromTheCache() throws Exception {
        putImage("in/style-cached.png", dev.stylize.pipeline.TestImages.uniform(64, 64, 30, 160, 200));
        String params = "\"steps\":2,\"seed\":11";
        String first = jobId("cache-1");
        String second = jobId("cache-2");
        String req1 = request(first, "restyle", "in/style-cached.png", "in/b.png", null, params);
        kafka.submit(first, req1.substring(0, req1.length() - 1) + ",\"prompt\":\"a red fox\"}");
        ResultEvent r1 = kafka.awaitResult(first, RESULT_TIMEOUT);
        String req2 = request(second, "restyle", "in/style-cached.png", "in/b.png", null, params);
        kafka.submit(second, req2.substring(0, req2.length() - 1) + ",\"prompt\":\"a red fox\"}");
        ResultEvent r2 = kafka.awaitResult(second, RESULT_TIMEOUT);
        assertEquals(r1.outputs().get(0).sha256(), r2.outputs().get(0).sha256(), "the same image from the cache");
        awaitLog(worker, "job=" + second + " stages=");
        String line = Files.readAllLines(worker.log()).stream().filter(l -> l.contains("job=" + second + " stages="))
                .findFirst().orElseThrow();
        assertTrue(line.contains("referencesFromCache=1"), "the reference was not downloaded: " + line);

        // A new version of the object is a new identity: recomputed, and the output follows the new content.
        putImage("in/style-cached.png", dev.stylize.pipeline.TestImages.uniform(64, 64, 220, 200, 10));
        String third = jobId("cache-3");
        String req3 = request(third, "restyle", "in/style-cached.png", "in/b.png", null, params);
        kafka.submit(third, req3.substring(0, req3.length() - 1) + ",\"prompt\":\"a red fox\"}");
        ResultEvent r3 = kafka.awaitResult(third, RESULT_TIMEOUT);
        assertNotEquals(r1.outputs().get(0).sha256(), r3.outputs().get(0).sha256(), "the changed reference is used");
        awaitLog(worker, "job=" + third + " stages=");
        assertTrue(Files.readAllLines(worker.log()).stream().anyMatch(l -> l.contains("job=" + third + " stages=")
                && l.contains("referencesFromCache=0")));

        var metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + worker.httpPort() + "/q/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("cache_gets_total{")
                && l.contains("cache=\"stylize_encoder_redux\"") && l.contains("result=\"hit\"") && !l.endsWith(" 0.0")),
                "redux hits in /q/metrics");
        assertTrue(metrics.contains("stylize_encoder_cache_bytes{cache=\"prompt\"}"), "bytes held");
        assertServes(worker);
    }

    /** Healthy, and a valid job submitted now succeeds. */
    static void assertServes(WorkerProcess w) throws Exception {
        assertHealthy(w);
        String id = jobId("still-serves");
        kafka.submit(id, request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":2"));
        ResultEvent r = kafka.awaitResult(id, RESULT_TIMEOUT);
        assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "" + r.error());
    }
}
