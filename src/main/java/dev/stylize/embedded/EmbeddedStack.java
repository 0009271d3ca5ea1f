package dev.stylize.embedded;

import dev.stylize.messaging.TopicDefinition;
import dev.stylize.messaging.TopicDefinitions;
import dev.stylize.storage.ObjectStore;
import dev.stylize.worker.WorkerConfig;
import dev.stylize.storage.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Kafka broker + S3 server for development and tests, no Docker: both child JVMs of this one,
 * bound to 127.0.0.1, in one data dir ({@code kafka/}, {@code s3/}). Every topic of
 * {@link TopicDefinitions} is created (replicas and min.insync.replicas capped at 1, other configs
 * as defined; a topic that exists keeps its configs, and gains partitions when it has fewer than
 * defined), the bucket {@value #DEFAULT_BUCKET} and the worker's state bucket
 * ({@value dev.stylize.worker.WorkerConfig#DEFAULT_STATE_BUCKET}).
 *
 * <p>{@link #close()} stops both (controlled broker shutdown) and deletes a temporary data dir; a
 * JVM shutdown hook does the same on Ctrl-C or SIGTERM. If this JVM dies abruptly (SIGKILL) the
 * children notice it on their own ({@link ParentWatch}) and shut down.
 */
public final class EmbeddedStack implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedStack.class);
    public static final String DEFAULT_BUCKET = "stylize";
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final boolean temporary;
    private final KafkaBroker broker;
    private final S3Server s3;
    private final TopicDefinitions topics;
    private final Thread hook;
    private volatile boolean closed;

    private EmbeddedStack(Path dataDir, boolean temporary, KafkaBroker broker, S3Server s3, TopicDefinitions topics) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.broker = broker;
        this.s3 = s3;
        this.topics = topics;
        this.hook = new Thread(this::close, "embedded-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** A stack in a new temporary directory, deleted by {@link #close()}. */
    public static EmbeddedStack start() {
        DevStack.require(); // before creating the directory
        try {
            return start(Files.createTempDirectory("stylize-stack-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /** A stack on {@code dataDir} (created if missing), which keeps topics, records and objects. */
    public static EmbeddedStack start(Path dataDir) {
        return start(dataDir, false);
    }

    private static EmbeddedStack start(Path dataDir, boolean temporary) {
        DevStack.require();
        Path dir = dataDir.toAbsolutePath();
        TopicDefinitions defs = TopicDefinitions.load();
        long t0 = System.nanoTime();
        CompletableFuture<S3Server> s3Future = CompletableFuture.supplyAsync(() -> S3Server.start(dir.resolve("s3"), 0));
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(dir.resolve("kafka"), 0);
        } catch (RuntimeException e) {
            s3Future.thenAccept(S3Server::stop);
            throw e;
        }
        S3Server s3;
        try {
            s3 = s3Future.join();
        } catch (CompletionException e) {
            broker.stop();
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        EmbeddedStack stack = new EmbeddedStack(dir, temporary, broker, s3, defs);
        try {
            stack.createTopics();
            try (ObjectStore store = new ObjectStore(stack.s3Settings())) {
                store.ensureBucket(DEFAULT_BUCKET);
                store.ensureBucket(WorkerConfig.DEFAULT_STATE_BUCKET);
            }
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        LOG.infof("embedded stack up in %d ms: kafka %s, s3 %s, data %s", TimeUnit.NANOSECONDS.toMillis(
                System.nanoTime() - t0), broker.bootstrapServers(), s3.endpoint(), dir);
        return stack;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String s3Endpoint() {
        return s3.endpoint();
    }

    public String accessKey() {
        return s3.accessKey();
    }

    public String secretKey() {
        return s3.secretKey();
    }

    public S3Settings s3Settings() {
        return new S3Settings(s3.endpoint(), null, s3.accessKey(), s3.secretKey(), S3Settings.DEFAULT_REGION);
    }

    public Path dataDir() {
        return dataDir;
    }

    public KafkaBroker broker() {
        return broker;
    }

    public S3Server s3() {
        return s3;
    }

    public TopicDefinitions topics() {
        return topics;
    }

    /** Admin/producer/consumer settings to reach the broker. */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** {@code KAFKA_BOOTSTRAP_SERVERS=…}, {@code S3_ENDPOINT=…}, {@code S3_ACCESS_KEY=…}, {@code S3_SECRET_KEY=…} */
    public List<String> envLines() {
        return List.of("KAFKA_BOOTSTRAP_SERVERS=" + bootstrapServers(), "S3_ENDPOINT=" + s3Endpoint(),
                "S3_ACCESS_KEY=" + accessKey(), "S3_SECRET_KEY=" + secretKey());
    }

    /**
     * Stops broker and S3 server (both at once; the broker shuts down in a controlled way) and
     * deletes a temporary data dir.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
        CompletableFuture<Void> s3Stop = CompletableFuture.runAsync(s3::stop);
        broker.stop();
        s3Stop.join();
        if (temporary) {
            deleteTree(dataDir);
        }
    }

    // ------------------------------------------------------------------------------------------

    private void createTopics() {
        Properties p = kafkaProperties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TOPIC_TIMEOUT.toMillis()));
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            List<TopicDefinition> wanted = new ArrayList<>();
            for (TopicDefinition def : topics.all()) {
                TopicDefinition t = def.cappedTo(1);
                wanted.add(t);
                if (!existing.contains(t.name())) {
                    create.add(new NewTopic(t.name(), t.partitions(), (short) t.replicas()).configs(t.config()));
                }
            }
            if (!create.isEmpty()) {
                try {
                    admin.createTopics(create).all().get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            List<String> names = wanted.stream().map(TopicDefinition::name).toList();
            long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
            while (true) {
                try {
                    Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames()
                            .get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    for (TopicDefinition t : wanted) {
                        int have = d.get(t.name()).partitions().size();
                        if (have < t.partitions()) {
                            LOG.infof("topic %s has %d partitions, %d defined: adding", t.name(), have, t.partitions());
                            admin.createPartitions(Map.of(t.name(), NewPartitions.increaseTo(t.partitions())))
                                    .all().get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                        }
                    }
                    return;
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    ChildProcesses.sleep(100); // metadata not propagated yet
                }
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("creating the topics on the embedded broker failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warnf("could not delete %s: %s", root, e.toString());
        }
    }
}
