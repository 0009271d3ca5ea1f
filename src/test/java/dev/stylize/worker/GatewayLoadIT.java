package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.WorkerProcess;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobJson;
import dev.stylize.job.Phase;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * How many SSE subscribers one gateway holds, what each costs in heap, and the delay from the topic to the
 * client: {@value #SUBSCRIBERS} streams (-Dgateway.load.subscribers) over {@value #JOBS} jobs, each job then
 * getting {@value #EVENTS} progress records and a result written straight to the topics (no worker: only the
 * gateway is measured). Prints a GATEWAY-LOAD line; fails when a stream misses an event or does not end.
 */
class GatewayLoadIT extends WorkerItBase {
    static final int SUBSCRIBERS = Integer.getInteger("gateway.load.subscribers", 1000);
    static final int JOBS = 100;
    static final int EVENTS = 10;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    @Test
    void holdsTheSubscribersAndDeliversEveryEventToEach() throws Exception {
        try (WorkerProcess gateway = WorkerProcess.start(workerEnv(Map.of()), List.of("-Xmx512m", "-XX:+UseSerialGC"),
                work.resolve("gateway-load.log"), "gateway")) {
            gateway.awaitReady(Duration.ofMinutes(2));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String run = jobId("load");
            long heapBefore = heapAfterGc(gateway);

            // Subscribe: every stream open (the gateway counts it) before the first event.
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                Client c = new Client(run + "-" + (i % JOBS));
                clients.add(c);
                http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/v1/jobs/"
                        + c.job + "/events")).build(), HttpResponse.BodyHandlers.fromLineSubscriber(c));
            }
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (subscribers(http, gateway) < SUBSCRIBERS) {
                assertTrue(System.nanoTime() < end, "subscribers held: " + subscribers(http, gateway));
                Thread.sleep(500);
            }
            long heapHeld = heapAfterGc(gateway);

            // Events: the send time of each record is its timestamp (this machine's clock, as the client's).
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            String progressTopic = kafka.topic("progress");
            for (int step = 1; step <= EVENTS; step++) {
                for (int j = 0; j < JOBS; j++) {
                    String job = run + "-" + j;
                    RecordMetadata m = kafka.send(progressTopic, job, JobJson.write(ProgressEvent.phase(job, 1,
                            Phase.DENOISING, step, EVENTS, step / (double) EVENTS, null)));
                    sentAt.put(job + "/p" + m.offset(), m.timestamp());
                }
                Thread.sleep(100);
            }
            for (int j = 0; j < JOBS; j++) {
                String job = run + "-" + j;
                RecordMetadata m = kafka.send(kafka.topic("results"), job, JobJson.write(ResultEvent.failed(job, 1,
                        ErrorCode.CANCELLED, "load test", Map.of(), null, null)));
                sentAt.put(job + "/r" + m.offset(), m.timestamp());
            }
            for (Client c : clients) {
                assertTrue(c.ended.await(2, TimeUnit.MINUTES), "stream of " + c.job + " ended");
            }

            List<Long> delays = new ArrayList<>();
            for (Client c : clients) {
                assertEquals(EVENTS + 1, c.arrivals.size(), c.job + ": every progress event and the result");
                c.arrivals.forEach((id, at) -> delays.add(at - sentAt.get(c.job + "/" + id)));
            }
            long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
            long perSubscriber = (heapHeld - heapBefore) / SUBSCRIBERS;
            System.out.printf(Locale.ROOT, "GATEWAY-LOAD subscribers held %d on one gateway (-Xmx512m); heap %d KiB "
                    + "before, %d KiB held, %.1f KiB per subscriber; topic->client delay over %d deliveries: p50 %d ms, "
                    + "p99 %d ms, max %d ms%n", SUBSCRIBERS, heapBefore >> 10, heapHeld >> 10, perSubscriber / 1024.0,
                    d.length, d[d.length / 2], d[(int) (d.length * 0.99)], d[d.length - 1]);
            assertEquals(SUBSCRIBERS * (EVENTS + 1), d.length);
        }
    }

    /** One SSE stream: the arrival time of each event id; {@code ended} when the server ends it. */
    static final class Client implements Flow.Subscriber<String> {
        final String job;
        final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        final CountDownLatch ended = new CountDownLatch(1);

        Client(String job) {
            this.job = job;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("id:")) {
                arrivals.put(line.substring(3).trim(), System.currentTimeMillis());
            }
        }

        @Override
        public void onError(Throwable t) {
            ended.countDown();
        }

        @Override
        public void onComplete() {
            ended.countDown();
        }
    }

    static int subscribers(HttpClient http, WorkerProcess gateway) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^stylize_gateway_subscribers(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }

    /** Heap in use after a full collection (jcmd GC.run, then GC.heap_info). */
    static long heapAfterGc(WorkerProcess p) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(p.pid()), "GC.run");
        String info = run(jcmd, Long.toString(p.pid()), "GC.heap_info");
        long used = 0;
        Matcher m = HEAP_USED.matcher(info);
        while (m.find()) { // SerialGC: "def new generation total …K, used …K" and "tenured generation …"
            used += Long.parseLong(m.group(1)) * 1024;
        }
        assertTrue(used > 0, info);
        return used;
    }

    static String run(String... cmd) throws Exception {
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes());
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS) && proc.exitValue() == 0, Arrays.toString(cmd) + ": " + out);
        return out;
    }

}
