package dev.stylize.cli;

import dev.stylize.client.KeyPartitioner;
import dev.stylize.embedded.DevStack;
import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.embedded.KafkaEcho;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobParams;
import dev.stylize.job.JobRequest;
import dev.stylize.job.Mode;
import dev.stylize.job.OutputFormat;
import dev.stylize.job.Phase;
import dev.stylize.job.ResultEvent;
import dev.stylize.messaging.TopicDefinitions;
import dev.stylize.storage.ObjectStore;
import dev.stylize.storage.S3Settings;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A warm worker's latency beyond the model phases (docs/benchmarks.md): an embedded stack, one worker on the
 * bundled analytic models, small composite jobs one after the other; per job submit→result, the model phases
 * and the rest, the worker's own spans from its SUCCEEDED log lines, and the round trips of the S3 server and
 * the broker measured from here (the floor).
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = {"Per-job overhead of a warm worker: small composite jobs one after the other through the"
                + " embedded broker and S3 server; prints submit->result, model phases, the rest, the worker's spans"
                + " and the S3 and Kafka round trips from this process (docs/benchmarks.md)."})
final class OverheadCommand implements Callable<Integer> {
    static final String PREFIX = "bench/overhead";
    /** The model phases: what the pipeline runs; everything else is the worker's and the transport's. */
    static final List<Phase> MODEL_PHASES = List.of(Phase.ENCODING, Phase.DENOISING, Phase.DECODING);
    /** The job's summary line ({@code JobService}): {@code job=ID phase=SUCCEEDED attempt=N ms=T spans={a=1, b=2}}. */
    private static final Pattern SUMMARY = Pattern.compile(
            "job=(\\S+) phase=SUCCEEDED attempt=\\d+ ms=(\\d+) spans=\\{([^}]*)}");
    private static final Pattern SPAN = Pattern.compile("(\\w+)=(\\d+)");

    @Option(names = "--jobs", defaultValue = "40", description = "Measured jobs (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--warmup", defaultValue = "500", description = {"Jobs run before the measured ones, besides one per"
            + " requests partition: the worker, the broker and the S3 server reach their compiled steady state only after"
            + " a few hundred jobs (default: ${DEFAULT-VALUE})."})
    int warmup;

    @Option(names = "--warmup-sequential", defaultValue = "400", description = {"Unmeasured jobs run one after the"
            + " other like the measured ones, after the --warmup ones: the path of a lone job (idle consumer, one job at"
            + " a time) keeps compiling for a few hundred more (default: ${DEFAULT-VALUE})."})
    int sequentialWarmup;

    @Option(names = "--size", defaultValue = "64", description = "Side of the square reference and target (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--steps", defaultValue = "4", description = "Fill steps per job (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--round-trips", defaultValue = "200",
            description = "Samples per S3 and Kafka operation timed from this process, after as many unmeasured"
                    + " (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--worker-env", description = {"KEY=VALUE added to the worker's environment (repeatable),"
            + " e.g. STYLIZE_PIPELINING=false to compare a setting."})
    Map<String, String> workerEnv = new LinkedHashMap<>();

    @Option(names = "--pause", defaultValue = "0", description = {"Milliseconds between a result and the next"
            + " submission, so that what the worker does after a result (marker cleanup) is over (default: ${DEFAULT-VALUE})."})
    int pauseMs;

    @Option(names = "--data", description = "Stack and log directory (default: a temporary one, deleted afterwards).")
    Path data;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for one result (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--worker-heap", defaultValue = "1g", description = "-Xmx of the worker (default: ${DEFAULT-VALUE}).")
    String workerHeap;

    @Override
    public Integer call() throws Exception {
        DevStack.require();
        String run = Long.toHexString(new SplittableRandom().nextLong() >>> 40);
        int partitions = TopicDefinitions.load().byRole(TopicDefinitions.REQUESTS).partitions();
        System.out.printf(Locale.ROOT, "jobs: %d measured one after the other, after %d warm-up (one per partition of the"
                + " requests topic, then %d more at once, then %d one after the other); composite %dx%d reference + %dx%d"
                + " target, %d steps, PNG; worker env %s; load average %s%n", jobs, partitions + warmup + sequentialWarmup,
                warmup, sequentialWarmup, size, size, size, size, steps, workerEnv, BenchWorker.loadAverage());
        Path dataDir = data != null ? data : Files.createTempDirectory("stylize-overhead");
        try (EmbeddedStack stack = EmbeddedStack.start(dataDir.resolve("stack"));
                ObjectStore store = new ObjectStore(stack.s3Settings())) {
            String reference = PREFIX + "/" + run + "/inputs/reference.png";
            String target = PREFIX + "/" + run + "/inputs/target.png";
            store.put(DemoCommand.BUCKET, reference, ImageEncoder.encode(ThroughputCommand.pattern(size, size, 1), "png",
                    0.95f), "image/png", Map.of());
            store.put(DemoCommand.BUCKET, target, ImageEncoder.encode(ThroughputCommand.pattern(size, size, 2), "png",
                    0.95f), "image/png", Map.of());

            Map<String, String> env = BenchWorker.baseEnv(stack);
            env.put("STYLIZE_SLOTS", "1");
            env.putAll(workerEnv);
            Path log = dataDir.resolve("worker.log");
            System.out.println("worker log " + log);
            List<Job> measured = new ArrayList<>();
            try (BenchWorker worker = BenchWorker.start(stack, env, List.of("-Xmx" + workerHeap), log)) {
                Duration timeout = Duration.ofSeconds(timeoutSeconds);
                // Warm: the first job loads and compiles; then one per partition, since the connector's first
                // record of a partition waits for a look-up of its committed offset, a cost a busy worker has paid.
                List<String> warm = new ArrayList<>(warmupIds(run, partitions));
                for (int i = 0; i < warmup; i++) {
                    warm.add("oh-" + run + "-warm-" + i);
                }
                worker.submit(warm.get(0), request(warm.get(0), reference, target, run));
                if (worker.collect(warm.subList(0, 1), timeout) == null) {
                    return 1;
                }
                warm.subList(1, warm.size()).forEach(id -> worker.submit(id, request(id, reference, target, run)));
                worker.flush();
                if (worker.collect(warm.subList(1, warm.size()), timeout.multipliedBy(warm.size())) == null) {
                    return 1;
                }
                for (int i = 0; i < sequentialWarmup + jobs; i++) {
                    Thread.sleep(pauseMs);
                    boolean warmOnly = i < sequentialWarmup;
                    String id = warmOnly ? "oh-" + run + "-warm-seq-" + i : "oh-" + run + "-" + (i - sequentialWarmup);
                    long submitted = worker.submit(id, request(id, reference, target, run));
                    Map<String, BenchWorker.Received> got = worker.collect(List.of(id), timeout);
                    if (got == null) {
                        return 1;
                    }
                    BenchWorker.Received r = got.get(id);
                    if (r.result().attempt() != 1) {
                        System.out.println("UNEXPECTED: job " + id + ", delivered once, answered as attempt "
                                + r.result().attempt() + "; worker log " + log);
                        return 1;
                    }
                    if (!warmOnly) {
                        measured.add(new Job(id, (r.atNanos() - submitted) / 1_000_000, modelMs(r.result())));
                    }
                }
                worker.stop(Duration.ofSeconds(60)); // its log is complete once it has exited
            }
            Map<String, Map<String, Long>> spans = spans(log);

            System.out.println();
            System.out.println("round trips from this process (" + samples + " each after as many unmeasured; ms p50 / p95):");
            RoundTrips floor = roundTrips(stack, store, run, reference, target, dataDir);
            floor.lines().forEach(System.out::println);
            System.out.println();
            report(measured, spans).forEach(System.out::println);
            System.out.printf(Locale.ROOT, "%-58s %7.1f%n", "beyond the model phases, above the floor (p50 - floor)",
                    BenchWorker.percentile(beyondModel(measured), 50) - floor.floorMs());
            System.out.printf(Locale.ROOT, "load average at the end %s%n", BenchWorker.loadAverage());
            return 0;
        } finally {
            if (data == null) {
                DemoCommand.deleteTree(dataDir);
            }
        }
    }

    /** Job ids whose records land on partitions 0, 1, …, {@code partitions} − 1 of the requests topic. */
    static List<String> warmupIds(String run, int partitions) {
        String[] ids = new String[partitions];
        int found = 0;
        for (int n = 0; found < partitions; n++) {
            String id = "oh-" + run + "-warmup-" + n;
            int p = KeyPartitioner.partition(id, partitions);
            if (ids[p] == null) {
                ids[p] = id;
                found++;
            }
        }
        return List.of(ids);
    }

    /** One measured job: its id, submit→result and the model phases' time, in ms. */
    record Job(String id, long latencyMs, long modelMs) {}

    byte[] request(String jobId, String reference, String target, String run) {
        JobRequest req = new JobRequest(JobRequest.SCHEMA_VERSION, jobId, Mode.COMPOSITE,
                List.of(new JobRequest.ReferenceRef(DemoCommand.BUCKET, reference, null, null)),
                new JobRequest.ObjectRef(DemoCommand.BUCKET, target), null, null,
                new JobParams(steps, null, 7L, null, null, null, null, null, null, null, null),
                new JobRequest.OutputSpec(DemoCommand.BUCKET, PREFIX + "/" + run + "/outputs", OutputFormat.PNG), null);
        byte[] json = JobJson.write(req);
        JobJson.parseRequest(json);
        return json;
    }

    static long modelMs(ResultEvent r) {
        return MODEL_PHASES.stream().mapToLong(p -> r.timings().getOrDefault(p, 0L)).sum();
    }

    /** Each job's spans and total ({@code ms}) from the worker's SUCCEEDED lines, by job id. */
    static Map<String, Map<String, Long>> spans(Path log) throws IOException {
        Map<String, Map<String, Long>> byJob = new LinkedHashMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = SUMMARY.matcher(line);
            if (!m.find()) {
                continue;
            }
            Map<String, Long> s = new LinkedHashMap<>();
            Matcher kv = SPAN.matcher(m.group(3));
            while (kv.find()) {
                s.put(kv.group(1), Long.parseLong(kv.group(2)));
            }
            s.put("ms", Long.parseLong(m.group(2)));
            byJob.put(m.group(1), s);
        }
        return byJob;
    }

    /** The table of per-job figures: latency, model phases, the rest, and each span's p50. */
    static List<String> report(List<Job> measured, Map<String, Map<String, Long>> spans) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-58s %7s %7s", "per job, ms (" + measured.size() + " jobs)", "p50", "p95"));
        row(lines, "submit -> result", measured.stream().mapToLong(Job::latencyMs).toArray());
        row(lines, "model phases (" + String.join("+", MODEL_PHASES.stream().map(Phase::name).toList()) + ")",
                measured.stream().mapToLong(Job::modelMs).toArray());
        row(lines, "beyond the model phases", beyondModel(measured));
        List<Map<String, Long>> found = measured.stream().map(j -> spans.get(j.id())).filter(s -> s != null).toList();
        if (found.size() < measured.size()) {
            lines.add("worker spans: " + found.size() + " of " + measured.size()
                    + " SUCCEEDED lines found in the worker log");
        }
        if (found.isEmpty()) {
            return lines;
        }
        lines.add("worker spans (its SUCCEEDED log line; queued starts at the record's timestamp):");
        List<String> names = new ArrayList<>();
        found.forEach(s -> s.keySet().stream().filter(k -> !names.contains(k) && !k.equals("ms")).forEach(names::add));
        for (String name : names) {
            row(lines, "  " + name, found.stream().mapToLong(s -> s.getOrDefault(name, 0L)).toArray());
        }
        row(lines, "  worker total (ms=, after queued)", found.stream().mapToLong(s -> s.get("ms")).toArray());
        List<Long> after = new ArrayList<>();
        for (Job j : measured) {
            Map<String, Long> s = spans.get(j.id());
            if (s != null) {
                after.add(j.latencyMs() - s.getOrDefault("queued", 0L) - s.get("ms"));
            }
        }
        row(lines, "  rest: result published -> received here", after.stream().mapToLong(Long::longValue).toArray());
        return lines;
    }

    /** Per job, submit→result − model phases (ms). */
    private static long[] beyondModel(List<Job> measured) {
        return measured.stream().mapToLong(j -> j.latencyMs() - j.modelMs()).toArray();
    }

    private static void row(List<String> lines, String label, long[] values) {
        lines.add(String.format(Locale.ROOT, "%-58s %7d %7d", label, BenchWorker.percentile(values, 50),
                BenchWorker.percentile(values, 95)));
    }

    /** The round-trip table's lines, and the floor they make (ms). */
    record RoundTrips(List<String> lines, double floorMs) {}

    /**
     * S3 calls of the worker's kinds on tiny objects and Kafka produce/consume, timed from here; then the two groups
     * of S3 requests a job sends at once, and the floor of a job's path that these make.
     */
    private RoundTrips roundTrips(EmbeddedStack stack, ObjectStore store, String run, String reference,
            String target, Path dataDir) throws Exception {
        List<Timed> t = new ArrayList<>();
        String dir = PREFIX + "/" + run + "/probe/";
        String probe = dir + "object.json";
        byte[] small = "{\"probe\":true}".getBytes(StandardCharsets.UTF_8);
        String b = DemoCommand.BUCKET;
        t.add(timed("S3 PUT 14 B (MinIO client, as the worker)", () -> store.put(b, probe, small, "application/json",
                Map.of())));
        t.add(timed("S3 GET 14 B", () -> store.get(b, probe, 1 << 20)));
        t.add(timed("S3 HEAD", () -> store.stat(b, probe)));
        t.add(timed("S3 LIST (a prefix holding 1 object)", () -> store.list(b, dir)));
        t.add(timed("S3 DeleteObjects (1 key, absent)", () -> store.delete(b, List.of(probe + ".absent"))));
        String url = store.presignedGet(b, probe, Duration.ofMinutes(10));
        t.add(timed("S3 presign (local: signing only)", () -> store.presignedGet(b, probe, Duration.ofMinutes(10))));
        // The same requests without the MinIO client: what the server and HTTP cost by themselves.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create(url)).build();
        t.add(timed("S3 GET 14 B presigned, JDK HttpClient (no client signing)", () -> send(http, get)));
        HttpRequest put = HttpRequest.newBuilder(URI.create(presignedPut(stack, b, probe)))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(small)).build();
        t.add(timed("S3 PUT 14 B presigned, JDK HttpClient (no client signing)", () -> send(http, put)));
        // What a job sends at once (JobService): its state, marker and inputs; then its output and record.
        ExecutorService pool = Executors.newCachedThreadPool();
        Timed first;
        Timed second;
        try {
            first = timed("S3 at once: LIST + PUT + GET reference + GET target", () -> all(pool,
                    () -> store.list(b, dir),
                    () -> store.put(b, dir + "marker", small, "application/json", Map.of()),
                    () -> store.get(b, reference, 1 << 20),
                    () -> store.get(b, target, 1 << 20)));
            second = timed("S3 at once: 2 PUTs (output, record)", () -> all(pool,
                    () -> store.put(b, dir + "output", small, "image/png", Map.of()),
                    () -> store.put(b, dir + "record", small, "application/json", Map.of())));
        } finally {
            pool.shutdownNow();
        }
        t.add(first);
        t.add(second);
        Timed deliveries = kafkaRoundTrips(stack, run, t, dataDir);
        List<String> lines = new ArrayList<>(t.stream().map(Timed::toString).toList());
        double floor = deliveries.p50Ms() + first.p50Ms() + second.p50Ms();
        lines.add(String.format(Locale.ROOT, "  %-58s %7.1f", "floor: 2 Kafka deliveries via another JVM + the 2 S3"
                + " groups (p50s)", floor));
        return new RoundTrips(lines, floor);
    }

    private static void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(request.method() + " " + request.uri().getPath() + " answered " + r.statusCode());
        }
    }

    /** Runs every call at once on {@code pool} and waits for all. */
    private static void all(ExecutorService pool, Op... calls) throws Exception {
        List<Future<Object>> running = new ArrayList<>();
        for (Op call : calls) {
            running.add(pool.submit(() -> {
                call.run();
                return null;
            }));
        }
        for (Future<Object> f : running) {
            f.get();
        }
    }

    private static String presignedPut(EmbeddedStack stack, String bucket, String key) throws Exception {
        S3Settings s = stack.s3Settings();
        try (MinioClient signer = MinioClient.builder().endpoint(s.endpoint()).region(s.region())
                .credentials(s.accessKey(), s.secretKey()).build()) {
            return signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.PUT).bucket(bucket)
                    .object(key).expiry(600).build());
        }
    }

    /**
     * acks=all produce, produce→consume in this process, and two deliveries through another JVM (a request into
     * the worker, a result out of it) on scratch topics of one partition, added to {@code t}; returns the last.
     */
    private Timed kafkaRoundTrips(EmbeddedStack stack, String run, List<Timed> t, Path dataDir) throws Exception {
        String topic = "bench.overhead.ping-" + run;
        String echoed = topic + "-echoed";
        try (Admin admin = Admin.create(stack.kafkaProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(echoed, 1, (short) 1))).all()
                    .get();
        }
        Properties pp = new Properties();
        pp.put("bootstrap.servers", stack.bootstrapServers());
        pp.put("acks", "all");
        pp.put("linger.ms", "0");
        Properties cp = new Properties();
        cp.put("bootstrap.servers", stack.bootstrapServers());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(),
                new ByteArraySerializer());
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            byte[] value = new byte[600]; // about a result's size
            t.add(timed("Kafka produce, acks=all, until acked", () -> producer.send(new ProducerRecord<>(topic, "k",
                    value)).get()));
            consumer.seekToEnd(List.of(tp)); // past the records just produced
            consumer.position(tp);
            Timed delivery = roundTrip("Kafka produce -> consumed (poll loop here)", producer, topic, value, consumer);
            t.add(delivery);
            return viaAnotherJvm(stack, topic, echoed, producer, cp, value, dataDir.resolve("kafka-echo.log"), t);
        }
    }

    /**
     * Produce here → copied by a {@link KafkaEcho} child JVM → consumed here: the two Kafka legs of a job, each
     * between two processes as the worker's are. Added to {@code t} and returned.
     */
    private Timed viaAnotherJvm(EmbeddedStack stack, String topic, String echoed, KafkaProducer<String, byte[]> producer,
            Properties consumerProps, byte[] value, Path log, List<Timed> t) throws Exception {
        TopicPartition back = new TopicPartition(echoed, 0);
        try (KafkaEcho echo = KafkaEcho.start(stack.bootstrapServers(), topic, echoed, log);
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.assign(List.of(back));
            consumer.seekToEnd(List.of(back));
            consumer.position(back);
            // The child reads from the end once it has started: ping until a record comes back.
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            while (consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Kafka echo process answered nothing; see " + log);
                }
                producer.send(new ProducerRecord<>(topic, "k", value));
            }
            consumer.poll(Duration.ofMillis(500)); // pings still on their way back
            Timed timed = roundTrip("Kafka via another JVM: produce -> copied there -> consumed here", producer, topic,
                    value, consumer);
            t.add(timed);
            return timed;
        }
    }

    /** One record produced to {@code topic}, timed until {@code consumer} (on that topic or its echo) gets one. */
    private Timed roundTrip(String label, KafkaProducer<String, byte[]> producer, String topic, byte[] value,
            KafkaConsumer<String, byte[]> consumer) {
        return timed(label, () -> {
            producer.send(new ProducerRecord<>(topic, "k", value));
            while (consumer.poll(Duration.ofMillis(10)).isEmpty()) {
                // until the record arrives
            }
        });
    }

    @FunctionalInterface
    private interface Op {
        void run() throws Exception;
    }

    /** One operation's p50 and p95 from here, in ms. */
    record Timed(String label, double p50Ms, double p95Ms) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "  %-58s %7.1f %7.1f", label, p50Ms, p95Ms);
        }
    }

    private Timed timed(String label, Op op) {
        LongSupplier once = () -> {
            long t0 = System.nanoTime();
            try {
                op.run();
            } catch (Exception e) {
                throw new IllegalStateException(label + ": " + e, e);
            }
            return System.nanoTime() - t0;
        };
        for (int i = 0; i < samples; i++) {
            once.getAsLong();
        }
        long[] micros = new long[samples];
        for (int i = 0; i < samples; i++) {
            micros[i] = once.getAsLong() / 1_000;
        }
        return new Timed(label, BenchWorker.percentile(micros, 50) / 1e3, BenchWorker.percentile(micros, 95) / 1e3);
    }
}
