package dev.stylize.cli;

import dev.stylize.client.KafkaClients;
import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobStatus;
import dev.stylize.job.ResultEvent;
import dev.stylize.messaging.TopicDefinitions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the stack benchmarks ({@code bench throughput}, {@code bench overhead}) share: one worker process
 * ({@code serve}) on an embedded stack, a producer of its requests and a reader of its results, its
 * metrics, and the statistics they print.
 */
final class BenchWorker implements AutoCloseable {
    /** A result as the benchmark received it: when (System.nanoTime) and what. */
    record Received(long atNanos, ResultEvent result) {}

    private final WorkerProcess process;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String requestsTopic;
    private final String resultsTopic;

    private BenchWorker(WorkerProcess process, KafkaProducer<String, byte[]> producer,
            KafkaConsumer<String, byte[]> consumer, TopicDefinitions topics) {
        this.process = process;
        this.producer = producer;
        this.consumer = consumer;
        this.requestsTopic = topics.byRole(TopicDefinitions.REQUESTS).name();
        this.resultsTopic = topics.byRole(TopicDefinitions.RESULTS).name();
    }

    /** The environment every benchmark worker needs against {@code stack}: broker, S3, the inputs' bucket. */
    static Map<String, String> baseEnv(EmbeddedStack stack) {
        return new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "S3_ENDPOINT", stack.s3Endpoint(),
                "S3_ACCESS_KEY", stack.accessKey(),
                "S3_SECRET_KEY", stack.secretKey(),
                "STYLIZE_ALLOWED_BUCKETS", DemoCommand.BUCKET));
    }

    /** Starts the worker with {@code env} (see {@link #baseEnv}) and waits until it is ready. */
    static BenchWorker start(EmbeddedStack stack, Map<String, String> env, List<String> jvmOptions, Path log)
            throws IOException, InterruptedException {
        WorkerProcess process = WorkerProcess.start(env, jvmOptions, log);
        KafkaProducer<String, byte[]> producer = null;
        KafkaConsumer<String, byte[]> consumer = null;
        try {
            // A client submitting one job sends it at once: no batching delay (the client's default is 5 ms).
            producer = KafkaClients.producer(Map.of("bootstrap.servers", stack.bootstrapServers(), "linger.ms", "0"),
                    "stylize-bench");
            consumer = DemoCommand.consumer(stack.bootstrapServers());
            process.awaitReady(Duration.ofMinutes(3));
            BenchWorker w = new BenchWorker(process, producer, consumer, TopicDefinitions.load());
            consumer.subscribe(List.of(w.resultsTopic));
            return w;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (consumer != null) {
                consumer.close();
            }
            if (producer != null) {
                producer.close();
            }
            process.close();
            throw e;
        }
    }

    /** Sends a request without waiting for the broker; returns when it was handed to the producer (nanoTime). */
    long submit(String jobId, byte[] request) {
        long at = System.nanoTime();
        producer.send(new ProducerRecord<>(requestsTopic, jobId, request));
        return at;
    }

    void flush() {
        producer.flush();
    }

    /**
     * Waits for the results of {@code expected} job ids, each stamped when it arrived; or null after printing
     * the first result that is not SUCCEEDED.
     */
    Map<String, Received> collect(Collection<String> expected, Duration timeout) {
        Map<String, Received> arrived = new HashMap<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (arrived.size() < expected.size()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(arrived.size() + " of " + expected.size() + " results after "
                        + timeout.toSeconds() + " s; worker log " + process.log() + ":\n" + process.logTail());
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the worker died:\n" + process.logTail());
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                if (!resultsTopic.equals(r.topic()) || !expected.contains(r.key()) || arrived.containsKey(r.key())) {
                    continue;
                }
                long at = System.nanoTime();
                ResultEvent result = JobJson.parseResult(r.value());
                if (result.status() != JobStatus.SUCCEEDED) {
                    System.out.println("job " + r.key() + " ended " + result.status() + ": " + result.error()
                            + "; worker log " + process.log());
                    return null;
                }
                arrived.put(r.key(), new Received(at, result));
            }
        }
        return arrived;
    }

    /** The worker's Prometheus metrics now. */
    PrometheusText scrape() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.httpPort()
                + "/q/metrics")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /q/metrics answered " + r.statusCode());
        }
        return PrometheusText.parse(r.body());
    }

    Path log() {
        return process.log();
    }

    /** SIGTERM and wait (at most {@code timeout}); the worker's exit code. */
    int stop(Duration timeout) throws InterruptedException {
        return process.stop(timeout);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            consumer.close();
            producer.close();
        } finally {
            process.close();
        }
    }

    /** Nearest-rank percentile (the smallest value with at least p % of the values at or below it). */
    static long percentile(long[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** The system's load average and core count, for the context of a measurement. */
    static String loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f (%d cores)", l,
                Runtime.getRuntime().availableProcessors());
    }
}
