package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.cli.WorkerProcess;
import dev.stylize.deploy.Manifests;
import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.embedded.SharedStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The probe and metrics paths of the rendered manifests, asked of the packaged worker itself (started
 * with the dev overlay's environment, pointed at the embedded Kafka and S3 on 127.0.0.1).
 */
class ProbeEndpointsIT {
    @Test
    void theRunningWorkerServesTheProbeAndMetricsPaths() throws Exception {
        List<JsonNode> prod = Manifests.render("k8s/overlays/prod");
        List<JsonNode> dev = Manifests.render("k8s/overlays/dev");
        JsonNode prodWorker = Manifests.worker(prod);
        JsonNode devWorker = Manifests.worker(dev);
        String startup = prodWorker.path("startupProbe").path("httpGet").path("path").asText();
        String ready = prodWorker.path("readinessProbe").path("httpGet").path("path").asText();
        String live = prodWorker.path("livenessProbe").path("httpGet").path("path").asText();
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertEquals(prodWorker.path(probe).path("httpGet"), devWorker.path(probe).path("httpGet"), probe);
        }
        String metrics = Manifests.one(prod, "ServiceMonitor", "stylize-worker").path("spec").path("endpoints").get(0)
                .path("path").asText();

        EmbeddedStack stack = SharedStack.get();
        Map<String, String> env = new HashMap<>();
        Manifests.environment(dev, devWorker).forEach((k, v) -> {
            if (v != null && !v.contains("$(")) {
                env.put(k, v);
            }
        });
        Path work = Path.of("target/probe-it").toAbsolutePath();
        env.putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(), "S3_ENDPOINT", stack.s3Endpoint(),
                "S3_PUBLIC_ENDPOINT", stack.s3Endpoint(), "S3_ACCESS_KEY", stack.accessKey(),
                "S3_SECRET_KEY", stack.secretKey(), "HTTP_HOST", "127.0.0.1", "STYLIZE_GROUP_ID", "probe-it",
                "STYLIZE_CACHE_DIR", work.resolve("cache").toString(), "HOME", work.toString()));
        env.remove("STYLIZE_MODELS"); // the bundled analytic set (the pod's comes from the init container)
        env.remove("RUST_LIBRARY_PATH"); // unpacked in the image only
        env.remove("DJL_CACHE_DIR");
        env.remove("STYLIZE_TENSORRT_CACHE");

        try (WorkerProcess w = WorkerProcess.start(env, List.of("-Xmx512m", "-XX:+UseSerialGC"),
                work.resolve("worker.log"))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String base = "http://127.0.0.1:" + w.httpPort();
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int status = -1;
            while (System.nanoTime() < end && status != 200) {
                assertTrue(w.isAlive(), "worker exited:\n" + w.logTail());
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create(base + ready)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    // not listening yet
                }
                if (status != 200) {
                    Thread.sleep(250);
                }
            }
            assertEquals(200, status, ready + " never answered 200:\n" + w.logTail());
            for (String path : List.of(startup, live)) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), path + ": " + r.body());
                assertTrue(r.body().contains("\"UP\""), path + ": " + r.body());
            }
            HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(base + metrics)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, m.statusCode(), metrics);
            assertTrue(m.body().contains("# TYPE "), metrics + " is Prometheus text");
            // SIGTERM as the kubelet sends it: a graceful stop (the JVM reports 143 = 128 + SIGTERM).
            int exit = w.stop(Duration.ofSeconds(60));
            assertTrue(exit == 0 || exit == 143, "exit " + exit + " on SIGTERM:\n" + w.logTail());
            assertTrue(w.logTail().contains("stopped in"), "graceful Quarkus stop:\n" + w.logTail());
        }
    }
}
