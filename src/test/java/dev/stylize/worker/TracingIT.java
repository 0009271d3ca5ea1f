package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.WorkerProcess;
import dev.stylize.job.JobStatus;
import dev.stylize.worker.OtlpReceiver.ReceivedSpan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tracing as an operator sees it in a collector: the gateway and a worker (processes of the packaged jar) and
 * the terminal client export OTLP to a test collector; one job is one trace from the caller's span (a web app's
 * {@code traceparent}, or the client's submit) through the request record to the worker's steps and its result.
 */
class TracingIT extends WorkerItBase {
    static final List<String> STEPS = List.of("state", "fetch", "prepare", "slot", "generate", "encode", "upload",
            "publish");
    static OtlpReceiver collector;
    static WorkerProcess worker;
    static WorkerProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        collector = new OtlpReceiver();
        gateway = WorkerProcess.start(workerEnv(collector.env()), List.of("-Xmx256m", "-XX:+UseSerialGC"),
                work.resolve("tracing-gateway.log"), "gateway");
        worker = worker("tracing-worker", null, List.of(), collector.env());
        gateway.awaitReady(Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(gateway, worker, collector);
    }

    @Test
    void aJobPostedToTheGatewayIsOneTraceFromTheCallersSpanToTheWorkersSteps() throws Exception {
        String id = jobId("traced-gw");
        HexFormat hex = HexFormat.of();
        Random random = new Random();
        String traceId = hex.formatHex(bytes(random, 16));
        String callerSpan = hex.formatHex(bytes(random, 8));
        HttpResponse<String> posted = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/v1/jobs"))
                        .header("Content-Type", "application/json")
                        // What a web app's tracer sends with its call (W3C Trace Context).
                        .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                        .POST(HttpRequest.BodyPublishers.ofString(request(id, "composite", "in/a.png", "in/b.png", null,
                                "\"steps\":2")))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, posted.statusCode(), posted.body());
        assertEquals(JobStatus.SUCCEEDED, kafka.awaitResult(id, RESULT_TIMEOUT).status());

        ReceivedSpan post = collector.await(traceId, "the gateway's POST",
                s -> s.service().equals("stylize-gateway") && s.kind().equals("SPAN_KIND_SERVER"));
        assertEquals(callerSpan, post.parentId(), "the POST continues the caller's trace");
        ReceivedSpan publish = collector.await(traceId, "the request record's producer span",
                s -> s.name().equals("stylize.requests publish") && s.parentId().equals(post.spanId()));
        assertEquals(id, publish.attributes().get("messaging.kafka.message.key"));
        ReceivedSpan job = awaitJob(traceId, id);
        assertEquals("SUCCEEDED", job.attributes().get("stylize.job.status"));
        assertDescendsFrom(traceId, job, publish);
        assertStepsBelow(traceId, job);
        ReceivedSpan result = collector.await(traceId, "the result record's producer span",
                s -> s.service().equals("stylize-worker") && s.kind().equals("SPAN_KIND_PRODUCER"));
        assertDescendsFrom(traceId, result, job);
        Files.writeString(work.resolve("tracing-gateway-trace.txt"), collector.describe(traceId));
        assertTrue(Files.readString(worker.log()).contains("traceId=" + traceId),
                "the worker's log lines of the job carry its trace id");
    }

    @Test
    void theTerminalClientsSubmitIsTheRootOfTheJobsTrace() throws Exception {
        Path dir = Files.createDirectories(work.resolve("tracing-cli"));
        Path ref = dir.resolve("ref.png");
        Path target = dir.resolve("target.png");
        Files.write(ref, dev.stylize.imaging.ImageEncoder.encode(dev.stylize.pipeline.TestImages.uniform(40, 40, 10, 200,
                30), "png", 0.95f));
        Files.write(target, dev.stylize.imaging.ImageEncoder.encode(dev.stylize.pipeline.TestImages.gradient(48, 40),
                "png", 0.95f));
        String id = jobId("traced-cli");
        Path out = dir.resolve("submit.out");
        Path err = dir.resolve("submit.err");
        Map<String, String> env = new HashMap<>(collector.env());
        Process p = TerminalClientIT.start(env, out, err, "submit", "--job-id", id, "--reference", ref.toString(),
                "--target", target.toString(), "--steps", "2", "--watch", "--bucket", BUCKET);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "submit ended");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr + Files.readString(out));
        Matcher m = Pattern.compile("trace ([0-9a-f]{32})").matcher(stderr);
        assertTrue(m.find(), "the client prints the trace id: " + stderr);
        String traceId = m.group(1);

        ReceivedSpan submit = collector.await(traceId, "the client's submit",
                s -> s.service().equals("stylize-cli") && s.name().equals("stylize submit"));
        assertEquals("", submit.parentId().replace("0", ""), "the submit is the trace's root");
        ReceivedSpan publish = collector.await(traceId, "the client's request record",
                s -> s.service().equals("stylize-cli") && s.name().equals("stylize.requests publish"));
        assertEquals(submit.spanId(), publish.parentId());
        ReceivedSpan job = awaitJob(traceId, id);
        assertDescendsFrom(traceId, job, publish);
        assertStepsBelow(traceId, job);
        assertTrue(submit.endNanos() >= job.endNanos(), "with --watch the submit lasts until the job's end");
    }

    static ReceivedSpan awaitJob(String traceId, String id) throws InterruptedException {
        ReceivedSpan job = collector.await(traceId, "the worker's job span",
                s -> s.service().equals("stylize-worker") && s.name().equals("stylize job"));
        assertEquals(id, job.attributes().get("stylize.job.id"));
        return job;
    }

    /** Every step of the worker, once, in order, as children of the job span and inside it. */
    static void assertStepsBelow(String traceId, ReceivedSpan job) throws InterruptedException {
        collector.await(traceId, "the last step", s -> s.name().equals("publish") && s.parentId().equals(job.spanId()));
        List<ReceivedSpan> steps = new ArrayList<>(collector.trace(traceId).stream()
                .filter(s -> s.parentId().equals(job.spanId()) && STEPS.contains(s.name())).toList());
        steps.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        assertEquals(STEPS, steps.stream().map(ReceivedSpan::name).toList(), collector.describe(traceId));
        long slack = TimeUnit.MILLISECONDS.toNanos(5);
        assertTrue(steps.get(0).startNanos() >= job.startNanos() - slack, collector.describe(traceId));
        assertTrue(steps.get(steps.size() - 1).endNanos() <= job.endNanos() + slack, collector.describe(traceId));
    }

    /** {@code child}'s chain of parents in the trace reaches {@code ancestor}. */
    static void assertDescendsFrom(String traceId, ReceivedSpan child, ReceivedSpan ancestor) {
        Map<String, ReceivedSpan> byId = new HashMap<>();
        collector.trace(traceId).forEach(s -> byId.put(s.spanId(), s));
        for (ReceivedSpan s = child; s != null; s = byId.get(s.parentId())) {
            if (s.spanId().equals(ancestor.spanId())) {
                return;
            }
        }
        throw new AssertionError("'" + child.name() + "' does not descend from '" + ancestor.name() + "':\n"
                + collector.describe(traceId));
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] |= 1; // never all zeros (an invalid id)
        return b;
    }
}
