package dev.stylize.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker ({@code kafka.Kafka}, combined broker + controller) in a
 * child JVM, listening on 127.0.0.1 only. Layout under the data dir: {@code server.properties},
 * {@code log4j2.properties}, {@code ports.properties} (the ports, kept so a later start on the same
 * data uses the same ones), {@code logs/} (Kafka's log dirs) and {@code broker.log} (its output).
 *
 * <p>The storage is formatted in-process with {@code kafka.tools.StorageTool} on the first start
 * ({@code format --standalone}). The child runs with {@code -Xmx256m -XX:+UseSerialGC} under
 * {@link ParentWatch}, so it shuts down when this JVM goes away, and is also stopped by a shutdown hook.
 */
public final class KafkaBroker extends ChildServer {
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    private static final long STOP_GRACE_MILLIS = 30_000;
    private static final String LOG4J_PROVIDER = "org.apache.logging.slf4j.SLF4JServiceProvider";

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Duration startTimeout;
    private volatile long lastStartMillis;

    private KafkaBroker(Path dataDir, int port, int controllerPort, Duration startTimeout,
            AtomicReference<Process> process) {
        super(process, STOP_GRACE_MILLIS);
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.startTimeout = startTimeout;
    }

    /**
     * Starts a broker on {@code dataDir} (created and formatted when new). {@code port} 0 picks a
     * free one, or the one this data dir used before when it is still free; the controller port is
     * chosen the same way. Returns once the broker answers an Admin {@code describeCluster}.
     */
    public static KafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, DEFAULT_START_TIMEOUT);
    }

    public static KafkaBroker start(Path dataDir, int port, Duration startTimeout) {
        Path dir = dataDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker data dir " + dir, e);
        }
        Path portsFile = dir.resolve("ports.properties");
        Properties saved = ChildProcesses.readProperties(portsFile);
        int p = port != 0 ? port : reuseOrFree(saved.getProperty("port"));
        int c = reuseOrFree(saved.getProperty("controller.port"));
        if (c == p) {
            c = ChildProcesses.freePort();
        }
        Properties ports = new Properties();
        ports.setProperty("port", Integer.toString(p));
        ports.setProperty("controller.port", Integer.toString(c));
        ChildProcesses.writeProperties(portsFile, ports, "ports of the embedded broker on this data dir");
        KafkaBroker broker = new KafkaBroker(dir, p, c, startTimeout, new AtomicReference<>());
        broker.launch();
        return broker;
    }

    private static int reuseOrFree(String saved) {
        if (saved != null) {
            int p = Integer.parseInt(saved.trim());
            if (ChildProcesses.portFree(p)) {
                return p;
            }
        }
        return ChildProcesses.freePort();
    }

    int controllerPort() {
        return controllerPort;
    }

    public String bootstrapServers() {
        return ChildProcesses.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("broker.log");
    }

    /** How long the last start (or restart) took until the broker answered, in milliseconds. */
    public long lastStartMillis() {
        return lastStartMillis;
    }

    // ------------------------------------------------------------------------------------------

    @Override
    void launch() {
        long t0 = System.nanoTime(); // includes formatting on the first start
        try {
            Path logs = dataDir.resolve("logs");
            Path serverProperties = dataDir.resolve("server.properties");
            writeServerProperties(serverProperties, logs);
            Path log4j = dataDir.resolve("log4j2.properties");
            Files.writeString(log4j, LOG4J2_CONFIG, StandardCharsets.UTF_8);
            if (!Files.exists(logs.resolve("meta.properties"))) {
                format(serverProperties);
            }
            if (!ChildProcesses.portFree(port) || !ChildProcesses.portFree(controllerPort)) {
                throw new IllegalStateException("embedded broker: port " + port + " or " + controllerPort
                        + " on 127.0.0.1 is in use (another broker on " + dataDir + "?)");
            }
            List<String> cp = new ArrayList<>();
            List<String> log4jJars = ChildProcesses.jars(ChildProcesses.embeddedDir().resolve("log4j"));
            cp.addAll(log4jJars);
            cp.addAll(ChildProcesses.applicationClasspath());
            List<String> jvm = new ArrayList<>(List.of(
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + log4j.toUri(),
                    "-Dkafka.logs.dir=" + dataDir));
            if (!log4jJars.isEmpty()) {
                // The app classpath also has Quarkus' JBoss LogManager binding: pick log4j2 explicitly.
                jvm.add("-Dslf4j.provider=" + LOG4J_PROVIDER);
            }
            process.set(ChildProcesses.launch(cp, jvm, "kafka.Kafka", List.of(serverProperties.toString()),
                    logFile(), dataDir));
            awaitReady(t0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded broker in " + dataDir, e);
        }
    }

    private void writeServerProperties(Path file, Path logs) throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", "1");
        c.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("controller.listener.names", "CONTROLLER");
        c.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        c.put("log.dirs", logs.toString());
        // Topics come from kafka-topics/topics.yaml (EmbeddedStack creates them), as on the cluster.
        c.put("auto.create.topics.enable", "false");
        c.put("num.partitions", "1");
        c.put("default.replication.factor", "1");
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "10");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "4");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner's dedupe buffer is 128 MB by default: too much for a 256 MB heap.
        c.put("log.cleaner.dedupe.buffer.size", "16777216");
        // After a SIGKILL the controller refuses the new broker incarnation (DUPLICATE_BROKER_REGISTRATION)
        // until the old one's session expires: 9 s by default. Shorter, with heartbeats well inside it.
        c.put("broker.session.timeout.ms", "4000");
        c.put("broker.heartbeat.interval.ms", "500");
        c.put("num.network.threads", "2");
        c.put("num.io.threads", "4");
        c.put("num.recovery.threads.per.data.dir", "2");
        StringBuilder sb = new StringBuilder("# Written by dev.stylize.embedded.KafkaBroker on every start.\n");
        c.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    private void format(Path serverProperties) {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        String[] args = {"format", "--standalone", "-t", clusterId, "-c", serverProperties.toString()};
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            // By reflection: kafka_2.13 is a runtime dependency of the dev-stack profile only (DevStack), so this
            // class compiles, and loads, in the production artifact too.
            Method execute = Class.forName("kafka.tools.StorageTool", true, KafkaBroker.class.getClassLoader())
                    .getMethod("execute", String[].class, PrintStream.class);
            rc = (Integer) execute.invoke(null, args, ps);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("formatting the broker storage in " + dataDir + " failed: " + cause
                    + "\n" + out.toString(StandardCharsets.UTF_8), cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("formatting the broker storage in " + dataDir + " failed: " + e
                    + "\n" + out.toString(StandardCharsets.UTF_8), e);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the broker storage in " + dataDir + " failed (exit "
                    + rc + "):\n" + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady(long t0) {
        Process process = this.process.get();
        long deadline = t0 + startTimeout.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
        String lastError = "no answer";
        // Wait for the listener first: an Admin client polling a closed port logs a warning per try.
        while (System.nanoTime() < deadline && process.isAlive() && !ChildProcesses.accepts(port)) {
            ChildProcesses.sleep(100);
        }
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("embedded broker exited with code " + process.exitValue()
                            + " while starting; tail of " + logFile() + ":\n" + ChildProcesses.tail(logFile(), 4000));
                }
                try {
                    java.util.Collection<Node> nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        lastStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        return;
                    }
                    lastError = "no live broker in the cluster metadata yet";
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    lastError = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
                }
                ChildProcesses.sleep(100);
            }
        }
        ChildProcesses.kill(process);
        throw new IllegalStateException("embedded broker on " + bootstrapServers() + " not ready after "
                + startTimeout.toSeconds() + " s (" + lastError + "); tail of " + logFile() + ":\n"
                + ChildProcesses.tail(logFile(), 4000));
    }

    private static final String LOG4J2_CONFIG = """
            # Written by dev.stylize.embedded.KafkaBroker: everything to stdout, which goes to broker.log.
            status = warn
            appender.out.type = Console
            appender.out.name = out
            appender.out.target = SYSTEM_OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = info
            rootLogger.appenderRef.out.ref = out
            logger.state.name = state.change.logger
            logger.state.level = warn
            logger.request.name = kafka.request.logger
            logger.request.level = warn
            logger.cleaner.name = kafka.log.LogCleaner
            logger.cleaner.level = warn
            """;
}
