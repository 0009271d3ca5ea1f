package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.cli.WorkerProcess;
import dev.stylize.client.ContentKey;
import dev.stylize.client.KafkaClients;
import dev.stylize.client.KeyPartitioner;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.job.JobStatus;
import dev.stylize.job.MessageSchemas;
import dev.stylize.job.Phase;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.pipeline.TestImages;
import java.net.URI;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP gateway ({@code gateway} command, a process of the packaged jar) in front of one worker on the slow
 * analytic models, over the embedded broker and S3: submit, Server-Sent Events to the end, Last-Event-ID,
 * latest state, cancel, the contract's 400s, the API key and the body limit.
 */
class GatewayIT extends WorkerItBase {
    static final String KEY = "it-gateway-key-0123456789";
    static final ObjectMapper JSON = JobJson.mapper();
    static WorkerProcess worker;
    static WorkerProcess gateway;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        // The gateway starts while the worker loads its models.
        gateway = WorkerProcess.start(workerEnv(Map.of("STYLIZE_GATEWAY_API_KEYS", "other-key," + KEY,
                "GATEWAY_MAX_BODY_SIZE", "64K")), List.of("-Xmx256m", "-XX:+UseSerialGC"),
                work.resolve("gateway.log"), "gateway");
        worker = worker("gateway-worker", slowModels, List.of(), Map.of());
        gateway.awaitReady(Duration.ofMinutes(2));
        // HTTP/1.1 as curl and browsers speak it to the gateway (no h2c upgrade on a POST).
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(gateway, worker);
    }

    @Test
    void eventsStreamProgressInOrderThenTheResultAndResumeAfterLastEventId() throws Exception {
        String id = jobId("gw-ok");
        HttpResponse<String> posted = post(request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":4"));
        assertEquals(202, posted.statusCode(), posted.body());
        assertEquals("/v1/jobs/" + id, posted.headers().firstValue("Location").map(l -> URI.create(l).getPath())
                .orElseThrow());

        List<Sse> events = events(id, null).awaitEnd();
        Sse last = events.get(events.size() - 1);
        assertEquals("result", last.name, events::toString);
        ResultEvent result = JobJson.parseResult(last.data.getBytes());
        assertEquals(JobStatus.SUCCEEDED, result.status());
        List<Sse> progress = events.subList(0, events.size() - 1);
        assertTrue(progress.size() >= 3, "several progress events: " + events);
        long previous = -1;
        int step = -1;
        for (Sse e : progress) {
            assertEquals("progress", e.name, events::toString);
            long offset = Long.parseLong(e.id.substring(1));
            assertTrue(e.id.startsWith("p") && offset > previous, "ids increase: " + events);
            ProgressEvent p = JobJson.parseProgress(e.data.getBytes());
            assertEquals(id, p.jobId());
            assertTrue(p.step() >= step, "steps never go back: " + events);
            previous = offset;
            step = p.step();
        }
        assertEquals(4, step);
        // A preview, where the worker uploaded one, comes with a URL the client can fetch.
        for (Sse e : progress) {
            JsonNode p = JSON.readTree(e.data);
            if (p.has("preview")) {
                String url = p.path("previewUrl").asText();
                assertTrue(url.startsWith("http"), e.data);
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode(), url);
            }
        }

        // Resume after the second progress event: exactly what followed it, then the end.
        List<Sse> resumed = events(id, progress.get(1).id).awaitEnd();
        assertEquals(events.subList(2, events.size()).stream().map(e -> e.id).toList(),
                resumed.stream().map(e -> e.id).toList());
        // Resume after the result: 204, which stops a browser's EventSource from reconnecting.
        HttpResponse<String> after = http.send(authorized("/v1/jobs/" + id + "/events", KEY)
                .header("Accept", "text/event-stream").header("Last-Event-ID", last.id).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, after.statusCode(), after.body());

        // The latest state, and a late subscriber's: the result, then the end.
        JsonNode state = JSON.readTree(get("/v1/jobs/" + id, KEY).body());
        assertEquals("SUCCEEDED", state.path("state").asText(), state::toString);
        assertEquals(result.outputs().get(0).sha256(), state.path("result").path("outputs").get(0).path("sha256").asText());
        assertEquals(List.of(last.id), events(id, null).awaitEnd().stream().map(e -> e.id).toList());
    }

    @Test
    void deleteCancelsARunningJobAndItsStreamEndsCancelled() throws Exception {
        String id = jobId("gw-cancel");
        assertEquals(202, post(request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":80")).statusCode());
        Stream stream = events(id, null);
        stream.await(e -> e.name.equals("progress") && JobJson.parseProgress(e.data.getBytes()).phase() == Phase.DENOISING
                && JobJson.parseProgress(e.data.getBytes()).step() >= 1);
        JsonNode running = JSON.readTree(get("/v1/jobs/" + id, KEY).body());
        assertEquals("RUNNING", running.path("state").asText(), running::toString);

        HttpResponse<String> deleted = http.send(authorized("/v1/jobs/" + id, KEY).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, deleted.statusCode(), deleted.body());
        List<Sse> events = stream.awaitEnd();
        Sse last = events.get(events.size() - 1);
        assertEquals("result", last.name);
        ResultEvent r = JobJson.parseResult(last.data.getBytes());
        assertEquals(JobStatus.CANCELLED, r.status());
        assertTrue(maxStep(id) < 80, "stopped mid-job at step " + maxStep(id));
    }

    @Test
    void aJobPostedToOneInstanceIsSubmittedOnAnotherBeforeTheWorkerTakesIt() throws Exception {
        try (WorkerProcess second = WorkerProcess.start(workerEnv(Map.of("STYLIZE_GATEWAY_API_KEYS", KEY,
                "STYLIZE_GATEWAY_SUBMIT_RATE", "0.01", "STYLIZE_GATEWAY_SUBMIT_BURST", "2")),
                List.of("-Xmx256m", "-XX:+UseSerialGC"), work.resolve("gateway-2.log"), "gateway")) {
            second.awaitReady(Duration.ofMinutes(2));
            // A long job holds the worker's slot; the next one is prepared ahead; the third waits in the topic.
            String busy = jobId("gw-busy");
            String next = jobId("gw-next");
            String queued = jobId("gw-queued");
            assertEquals(202, post(request(busy, "composite", "in/a.png", "in/b.png", null, "\"steps\":80")).statusCode());
            kafka.awaitProgress(busy, p -> p.phase() == Phase.DENOISING, RESULT_TIMEOUT);
            assertEquals(202, post(request(next, "composite", "in/a.png", "in/b.png", null, "\"steps\":2")).statusCode());
            assertEquals(202, post(request(queued, "composite", "in/a.png", "in/b.png", null, "\"steps\":2")).statusCode());

            URI other = URI.create("http://127.0.0.1:" + second.httpPort() + "/v1/jobs/" + queued);
            awaitState(other, "SUBMITTED");

            kafka.cancel(busy);
            assertEquals(JobStatus.SUCCEEDED, kafka.awaitResult(queued, RESULT_TIMEOUT).status());
            awaitState(other, "SUCCEEDED");

            // This instance limits submissions: two (refused by the contract, but counted), then 429.
            URI jobs = URI.create("http://127.0.0.1:" + second.httpPort() + "/v1/jobs");
            List<Integer> codes = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 3; i++) {
                last = http.send(HttpRequest.newBuilder(jobs).header("X-API-Key", KEY)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                codes.add(last.statusCode());
            }
            assertEquals(List.of(400, 400, 429), codes, last.body());
            assertEquals("RATE_LIMITED", JSON.readTree(last.body()).path("code").asText());
            assertTrue(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        }
    }

    /** GETs the job's {@code uri} (with the API key) until it answers 200 with {@code state}, for up to 10 s. */
    static void awaitState(URI uri, String state) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> r;
        do {
            r = http.send(HttpRequest.newBuilder(uri).header("X-API-Key", KEY).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && JSON.readTree(r.body()).path("state").asText().equals(state)) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        throw new AssertionError(uri + " never answered " + state + "; last " + r.statusCode() + ": " + r.body());
    }

    @Test
    void theOpenApiDocumentRefersToTheContractsSchemaWhichTheGatewayServes() throws Exception {
        JsonNode doc = JSON.readTree(get("/q/openapi?format=json", null).body());
        String ref = doc.path("paths").path("/v1/jobs").path("post").path("requestBody").path("content")
                .path("application/json").path("schema").path("$ref").asText();
        assertEquals("/schemas/" + MessageSchemas.REQUEST, ref, doc.path("paths").path("/v1/jobs").toString());
        HttpResponse<byte[]> schema = http.send(HttpRequest.newBuilder(uri(ref)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, schema.statusCode());
        try (var in = GatewayIT.class.getResourceAsStream(MessageSchemas.CLASSPATH_DIR + MessageSchemas.REQUEST)) {
            assertArrayEquals(in.readAllBytes(), schema.body(), "the schema the worker validates with");
        }
        assertEquals(404, get("/schemas/application.properties", null).statusCode());
    }

    @Test
    void multipartUploadsTheImagesUnderTheirContentKeysAndRunsTheJob() throws Exception {
        byte[] ref = ImageEncoder.encode(TestImages.uniform(64, 64, 10, 200, 120), "png", 0.95f);
        byte[] target = ImageEncoder.encode(TestImages.gradient(96, 64), "png", 0.95f);
        String id = jobId("gw-multipart");
        String json = "{\"schemaVersion\":1,\"jobId\":\"" + id + "\",\"mode\":\"composite\",\"reference\":[{\"weight\":0.8}],"
                + "\"params\":{\"steps\":2},\"output\":{\"bucket\":\"" + BUCKET + "\",\"prefix\":\"it/out\"}}";
        String boundary = "gw" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        part(body, boundary, "request", null, json.getBytes());
        part(body, boundary, "reference", "ref.png", ref);
        part(body, boundary, "target", "target.png", target);
        body.write(("--" + boundary + "--\r\n").getBytes());
        HttpResponse<String> r = http.send(authorized("/v1/jobs", KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());

        JobRequest request = JobJson.parseRequest(submittedRequest(id));
        assertEquals(ContentKey.of("inputs/", ref), request.reference().get(0).key());
        assertEquals(Double.valueOf(0.8), request.reference().get(0).weight());
        assertEquals(ContentKey.of("inputs/", target), request.target().key());
        assertArrayEquals(ref, store.get(BUCKET, request.reference().get(0).key(), 1 << 20));
        assertEquals(JobStatus.SUCCEEDED, kafka.awaitResult(id, RESULT_TIMEOUT).status());
    }

    /** The request the gateway produced for {@code jobId}, read from the key's partition of the requests topic. */
    static byte[] submittedRequest(String jobId) {
        String topic = kafka.topic("requests");
        try (var consumer = KafkaClients.consumer(stack.bootstrapServers())) {
            TopicPartition tp = new TopicPartition(topic, KeyPartitioner.partition(jobId,
                    consumer.partitionsFor(topic).size()));
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (jobId.equals(r.key())) {
                        return r.value();
                    }
                }
            }
        }
        throw new AssertionError("no request " + jobId + " on " + topic);
    }

    static void part(java.io.ByteArrayOutputStream out, String boundary, String name, String file, byte[] data)
            throws java.io.IOException {
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (file == null ? "\r\nContent-Type: application/json" : "; filename=\"" + file
                        + "\"\r\nContent-Type: image/png") + "\r\n\r\n").getBytes());
        out.write(data);
        out.write("\r\n".getBytes());
    }

    @Test
    void requestsTheContractRejectsAre400WithTheCode() throws Exception {
        HttpResponse<String> r = post("{\"schemaVersion\":1,");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("INVALID_JSON", JSON.readTree(r.body()).path("code").asText(), r.body());

        r = post(request(jobId("gw-bad"), "composite", "in/a.png", "in/b.png", null, "\"steps\":0"));
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("PARAM_OUT_OF_RANGE", JSON.readTree(r.body()).path("code").asText(), r.body());
        assertTrue(JSON.readTree(r.body()).path("message").asText().contains("params.steps"), r.body());

        HttpResponse<String> unknown = get("/v1/jobs/" + jobId("never-submitted"), KEY);
        assertEquals(404, unknown.statusCode(), unknown.body());
    }

    @Test
    void anApiKeyIsRequiredAndBodiesAreLimited() throws Exception {
        String path = "/v1/jobs/" + jobId("auth");
        assertEquals(401, get(path, null).statusCode());
        assertEquals(401, get(path, "wrong").statusCode());
        HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, bearer.statusCode(), "past the check (no such job): " + bearer.body());
        String id = jobId("auth-ok");
        assertEquals(202, post(request(id, "composite", "in/a.png", "in/b.png", null, "\"steps\":1")).statusCode());
        assertEquals(200, get("/v1/jobs/" + id, KEY).statusCode());
        assertEquals(200, get("/v1/jobs/" + id, "other-key").statusCode(), "any configured key");
        // Health and the OpenAPI document stay open.
        assertEquals(200, get("/q/health/ready", null).statusCode());
        HttpResponse<String> openapi = get("/q/openapi", null);
        assertEquals(200, openapi.statusCode());
        assertTrue(openapi.body().contains("/v1/jobs/{id}/events"), openapi.body());
        assertTrue(!Files.readString(gateway.log()).contains(KEY), "the key is never logged");

        HttpResponse<String> big = post("{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
        assertEquals(413, big.statusCode());
        assertEquals(JobStatus.SUCCEEDED, kafka.awaitResult(id, RESULT_TIMEOUT).status());
    }

    @Test
    void theWorkerHasNoGatewayResources() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort()
                + "/v1/jobs/x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(Files.readString(gateway.log()).contains("Profile gateway activated"));
        assertTrue(!Files.readString(gateway.log()).contains("MODELS_LOADED"), "the gateway loads no models");
    }

    // --------------------------------------------------------------------------------------------

    record Sse(String id, String name, String data) {}

    /** An SSE stream read on its own thread; events queue up, the end is a null id. */
    static final class Stream {
        final BlockingQueue<Sse> queue = new LinkedBlockingQueue<>();
        final List<Sse> seen = new ArrayList<>();
        static final Sse END = new Sse(null, null, null);

        Sse next() throws InterruptedException {
            Sse e = queue.poll(RESULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + RESULT_TIMEOUT + " after " + seen);
            }
            return e;
        }

        void await(Predicate<Sse> match) throws InterruptedException {
            while (true) {
                Sse e = next();
                if (e == END) {
                    throw new AssertionError("stream ended before a match: " + seen);
                }
                seen.add(e);
                if (match.test(e)) {
                    return;
                }
            }
        }

        List<Sse> awaitEnd() throws InterruptedException {
            for (Sse e = next(); e != END; e = next()) {
                seen.add(e);
            }
            return seen;
        }
    }

    static Stream events(String jobId, String lastEventId) throws Exception {
        HttpRequest.Builder b = authorized("/v1/jobs/" + jobId + "/events", KEY).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.util.stream.Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Stream s = new Stream();
        Thread t = new Thread(() -> {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            try (java.util.stream.Stream<String> lines = r.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            s.queue.add(new Sse(id, name, data.toString()));
                        }
                        id = null;
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            } finally {
                s.queue.add(Stream.END);
            }
        }, "sse-" + jobId);
        t.setDaemon(true);
        t.start();
        return s;
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.httpPort() + path);
    }

    static HttpRequest.Builder authorized(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        return key == null ? b : b.header("X-API-Key", key);
    }

    static HttpResponse<String> get(String path, String key) throws Exception {
        return http.send(authorized(path, key).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String json) throws Exception {
        return http.send(authorized("/v1/jobs", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
