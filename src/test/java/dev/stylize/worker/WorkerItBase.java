package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stylize.analytic.AnalyticModels;
import dev.stylize.cli.WorkerProcess;
import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.embedded.SharedStack;
import dev.stylize.imaging.ImageDecoder;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobStatus;
import dev.stylize.job.OutputInfo;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.pipeline.TestImages;
import dev.stylize.runtime.Sha256;
import dev.stylize.storage.ObjectStore;
import dev.stylize.storage.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the worker integration tests share: the embedded broker and S3 server (one per test JVM), a
 * test's own Kafka client and S3 client, sample inputs in the {@code stylize} bucket, and helpers to
 * start a worker process ({@code serve} of the packaged jar) and to write requests.
 */
abstract class WorkerItBase {
    static final String BUCKET = "stylize";
    static final String GROUP = "stylize-worker-it";
    static final Duration RESULT_TIMEOUT = Duration.ofMinutes(3);
    static final int[] RED = {200, 40, 90};

    static EmbeddedStack stack;
    static ObjectStore store;
    static KafkaProbe kafka;
    static Path work;
    static Path slowModels;

    @BeforeAll
    static void startStack() throws Exception {
        stack = SharedStack.get();
        store = new ObjectStore(new S3Settings(stack.s3Endpoint(), null, stack.accessKey(), stack.secretKey(), "us-east-1"));
        store.ensureBucket(BUCKET);
        kafka = new KafkaProbe(stack.bootstrapServers());
        work = Files.createDirectories(Path.of("target", "it"));
        slowModels = work.resolve("slow-models-768x40");
        if (!Files.exists(slowModels.resolve("manifest.json"))) {
            AnalyticModels.write(slowModels, AnalyticModels.Options.defaults().withId("analytic-slow")
                    .withTextEncoders(false).withDevTransformer(false).withSlowMatmul(768, 40));
        }
        putImage("in/a.png", TestImages.uniform(64, 64, RED[0], RED[1], RED[2]));
        putImage("in/b.png", TestImages.gradient(96, 64));
        putImage("in/l-mask.png", TestImages.maskImage(TestImages.lMask(96, 64), 96, 64));
    }

    @AfterAll
    static void closeClients() {
        if (kafka != null) {
            kafka.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** Closes each of {@code resources} that was opened (null: never started), in order. */
    static void closeAll(AutoCloseable... resources) throws Exception {
        for (AutoCloseable r : resources) {
            if (r != null) {
                r.close();
            }
        }
    }

    static void putImage(String key, RgbImage img) {
        store.put(BUCKET, key, ImageEncoder.encode(img, "png", 0.95f), "image/png", Map.of());
    }

    static WorkerProcess worker(String name, Path models, List<String> jvm, Map<String, String> extraEnv)
            throws Exception {
        Map<String, String> env = new HashMap<>();
        if (models != null) {
            env.put("STYLIZE_MODELS", models.toAbsolutePath().toString());
        }
        env.putAll(extraEnv);
        List<String> opts = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseSerialGC",
                "-XX:ErrorFile=" + work.toAbsolutePath().resolve("hs_err_" + name + "_%p.log")));
        opts.addAll(jvm);
        WorkerProcess w = WorkerProcess.start(workerEnv(env), opts, work.resolve(name + ".log"));
        w.awaitReady(Duration.ofMinutes(2));
        return w;
    }

    /** The environment of a test worker: the embedded stack, the test group and bucket, and {@code extra}. */
    static Map<String, String> workerEnv(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "S3_ENDPOINT", stack.s3Endpoint(),
                "S3_ACCESS_KEY", stack.accessKey(),
                "S3_SECRET_KEY", stack.secretKey(),
                "STYLIZE_GROUP_ID", GROUP,
                "STYLIZE_ALLOWED_BUCKETS", BUCKET,
                "STYLIZE_CACHE_DIR", work.resolve("cache").toAbsolutePath().toString(),
                // Short sessions so a killed worker's partitions move within seconds on 2 cores.
                "KAFKA_SESSION_TIMEOUT_MS", "6000",
                "KAFKA_HEARTBEAT_INTERVAL_MS", "1000"));
        env.putAll(extra);
        return env;
    }

    /** Waits until the worker's log contains {@code text}; fails with the log's tail otherwise. */
    static void awaitLog(WorkerProcess w, String text) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            if (Files.readString(w.log()).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' in " + w.log() + ":\n" + w.logTail());
    }

    /** The time of the first log line containing {@code text} (HH:mm:ss.SSS), or null. */
    static LocalTime logTime(WorkerProcess w, String text) throws IOException {
        for (String line : Files.readAllLines(w.log())) {
            if (line.contains(text)) {
                return LocalTime.parse(line.substring(0, 12));
            }
        }
        return null;
    }

    /** Liveness and readiness both answer 200 (UP). */
    static void assertHealthy(WorkerProcess w) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/q/health/live", "/q/health/ready")) {
            var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.httpPort()
                    + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
        }
    }

    static String jobId(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String request(String jobId, String mode, String refKey, String targetKey, String maskKey, String params) {
        return request(jobId, mode, refKey, targetKey, maskKey, params, "png");
    }

    static String request(String jobId, String mode, String refKey, String targetKey, String maskKey, String params,
            String format) {
        StringBuilder sb = new StringBuilder("{\"schemaVersion\":1,\"jobId\":\"").append(jobId)
                .append("\",\"mode\":\"").append(mode).append("\",\"reference\":[{\"bucket\":\"").append(BUCKET)
                .append("\",\"key\":\"").append(refKey).append("\"}]");
        if (targetKey != null) {
            sb.append(",\"target\":{\"bucket\":\"").append(BUCKET).append("\",\"key\":\"").append(targetKey).append("\"}");
        }
        if (maskKey != null) {
            sb.append(",\"mask\":{\"bucket\":\"").append(BUCKET).append("\",\"key\":\"").append(maskKey).append("\"}");
        }
        sb.append(",\"params\":{").append(params).append("}");
        sb.append(",\"output\":{\"bucket\":\"").append(BUCKET).append("\",\"prefix\":\"it/out\",\"format\":\"")
                .append(format).append("\"}}");
        return sb.toString();
    }

    /** Downloads an output, checks its sha256 against the result, decodes it. */
    static RgbImage fetchOutput(ResultEvent r) {
        assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "error: " + r.error());
        OutputInfo o = r.outputs().get(0);
        byte[] bytes = store.get(o.bucket(), o.key(), 64L << 20);
        assertEquals(o.sha256(), Sha256.of(bytes), "result sha256 = S3 object sha256");
        RgbImage img = ImageDecoder.decode(bytes, 100_000_000L);
        assertEquals(o.width(), img.width());
        assertEquals(o.height(), img.height());
        return img;
    }

    static float[] colour(int[] u8) {
        return new float[] {TestImages.siglip(u8[0]), TestImages.siglip(u8[1]), TestImages.siglip(u8[2])};
    }

    /** End-to-end overhead: submit→result latency minus the pipeline's own phases (encode, denoise, decode). */
    static void reportOverhead(String label, ResultEvent r, long latencyMs) {
        Map<dev.stylize.job.Phase, Long> t = r.timings();
        long pipeline = t.getOrDefault(dev.stylize.job.Phase.ENCODING, 0L) + t.getOrDefault(dev.stylize.job.Phase.DENOISING, 0L)
                + t.getOrDefault(dev.stylize.job.Phase.DECODING, 0L);
        System.out.printf(Locale.ROOT, "OVERHEAD %s: submit->result %d ms, pipeline %d ms, fetch %d ms, upload %d ms, "
                + "beyond the pipeline %d ms%n", label, latencyMs, pipeline,
                t.getOrDefault(dev.stylize.job.Phase.FETCHING, 0L), t.getOrDefault(dev.stylize.job.Phase.UPLOADING, 0L),
                latencyMs - pipeline);
    }

    static int maxStep(String jobId) {
        return kafka.progressRecords(jobId).stream().map(x -> JobJson.parseProgress(x.value()))
                .mapToInt(ProgressEvent::step).max().orElse(0);
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
