package dev.stylize.cli;

import dev.stylize.embedded.DevStack;
import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobStatus;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.messaging.TopicDefinitions;
import dev.stylize.storage.ObjectStore;
import dev.stylize.storage.S3Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command tour: an embedded Kafka + S3 stack, a worker process on the bundled analytic
 * models, two sample images uploaded, one composite job submitted through Kafka, its progress
 * followed, and the result image written locally.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded Kafka + S3 stack and a worker, submit a composite job, save its result.")
final class DemoCommand implements Callable<Integer> {
    static final String BUCKET = "stylize";

    @Option(names = "--out", defaultValue = "demo-output.png", description = "Where the result image is written.")
    Path out;

    @Option(names = "--data", description = "Stack data directory (default: a temporary one, deleted afterwards).")
    Path data;

    @Option(names = "--steps", defaultValue = "12")
    int steps;

    @Override
    public Integer call() throws Exception {
        DevStack.require(); // before creating the data directory
        Path dataDir = data != null ? data : Files.createTempDirectory("stylize-demo");
        TopicDefinitions topics = TopicDefinitions.load();
        try (EmbeddedStack stack = EmbeddedStack.start(dataDir)) {
            stack.envLines().forEach(System.out::println);
            Map<String, String> env = Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                    "S3_ENDPOINT", stack.s3Endpoint(),
                    "S3_ACCESS_KEY", stack.accessKey(),
                    "S3_SECRET_KEY", stack.secretKey(),
                    "STYLIZE_ALLOWED_BUCKETS", BUCKET);
            try (WorkerProcess worker = WorkerProcess.start(env, List.of("-Xmx2g"), dataDir.resolve("worker.log"));
                    ObjectStore store = new ObjectStore(new S3Settings(stack.s3Endpoint(), null, stack.accessKey(),
                            stack.secretKey(), "us-east-1"))) {
                System.out.println("worker starting (pid " + worker.pid() + ", log " + worker.log() + ")");
                worker.awaitReady(Duration.ofMinutes(3));
                System.out.println("worker ready on http://127.0.0.1:" + worker.httpPort() + "/q/health");
                upload(store, "reference.png");
                upload(store, "target.png");
                upload(store, "mask.png");
                String jobId = "demo-" + UUID.randomUUID().toString().substring(0, 8);
                byte[] request = request(jobId).getBytes(StandardCharsets.UTF_8);
                System.out.println("submitting to " + topics.byRole("requests").name() + ": " + new String(request,
                        StandardCharsets.UTF_8));
                try (KafkaProducer<String, byte[]> producer = producer(stack.bootstrapServers());
                        KafkaConsumer<String, byte[]> consumer = consumer(stack.bootstrapServers())) {
                    consumer.subscribe(List.of(topics.byRole("progress").name(), topics.byRole("results").name()));
                    producer.send(new ProducerRecord<>(topics.byRole("requests").name(), jobId, request)).get();
                    ResultEvent result = follow(consumer, jobId, topics.byRole("results").name(), worker);
                    System.out.println("result: " + new String(JobJson.write(result), StandardCharsets.UTF_8));
                    if (result.status() != JobStatus.SUCCEEDED) {
                        System.err.println("the job did not succeed; worker log: " + worker.log());
                        return 1;
                    }
                    var output = result.outputs().get(0);
                    byte[] image = store.get(output.bucket(), output.key(), 256L << 20);
                    Path target = out.toAbsolutePath();
                    Files.createDirectories(target.getParent());
                    Files.write(target, image);
                    System.out.printf(Locale.ROOT, "wrote %s (%dx%d, sha256 %s)%n", target, output.width(),
                            output.height(), output.sha256());
                }
                worker.stop(Duration.ofSeconds(60));
            }
        } finally {
            if (data == null) {
                deleteTree(dataDir);
            }
        }
        return 0;
    }

    private String request(String jobId) {
        return "{\"schemaVersion\":1,\"jobId\":\"" + jobId + "\",\"mode\":\"composite\","
                + "\"reference\":[{\"bucket\":\"" + BUCKET + "\",\"key\":\"demo/inputs/reference.png\"}],"
                + "\"target\":{\"bucket\":\"" + BUCKET + "\",\"key\":\"demo/inputs/target.png\"},"
                + "\"mask\":{\"bucket\":\"" + BUCKET + "\",\"key\":\"demo/inputs/mask.png\"},"
                + "\"params\":{\"steps\":" + steps + ",\"previewEvery\":4},"
                + "\"output\":{\"bucket\":\"" + BUCKET + "\",\"prefix\":\"demo/outputs\",\"format\":\"png\"}}";
    }

    private static ResultEvent follow(KafkaConsumer<String, byte[]> consumer, String jobId, String resultsTopic,
            WorkerProcess worker) {
        long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < end) {
            if (!worker.isAlive()) {
                throw new IllegalStateException("the worker died:\n" + worker.logTail());
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (!jobId.equals(r.key())) {
                    continue;
                }
                if (r.topic().equals(resultsTopic)) {
                    return JobJson.parseResult(r.value());
                }
                ProgressEvent p = JobJson.parseProgress(r.value());
                System.out.printf(Locale.ROOT, "progress %-10s %3.0f%%%s%s%n", p.phase(), p.progress() * 100,
                        p.steps() > 0 && p.step() > 0 ? "  step " + p.step() + "/" + p.steps() : "",
                        p.preview() == null ? "" : "  preview s3://" + p.preview().bucket() + "/" + p.preview().key());
            }
        }
        throw new IllegalStateException("no result within 5 minutes; worker log:\n" + worker.logTail());
    }

    private static void upload(ObjectStore store, String name) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/samples/" + name)) {
            if (in == null) {
                throw new IOException("sample " + name + " is missing from the jar");
            }
            store.put(BUCKET, "demo/inputs/" + name, in.readAllBytes(), "image/png", Map.of());
        }
        System.out.println("uploaded s3://" + BUCKET + "/demo/inputs/" + name);
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "stylize-demo-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
