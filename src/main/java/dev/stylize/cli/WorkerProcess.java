package dev.stylize.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker ({@code serve}) or the gateway as a child process of this jar, for the demo and the integration
 * tests: a real OS process that can be stopped with SIGTERM or killed with SIGKILL.
 */
public final class WorkerProcess implements AutoCloseable {
    private final Process process;
    private final int httpPort;
    private final Path log;

    private WorkerProcess(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /**
     * Starts {@code serve} with the given environment (KAFKA_BOOTSTRAP_SERVERS, S3_*, ...) and JVM
     * options; output goes to {@code log}. The HTTP port is a free one unless the environment sets HTTP_PORT.
     */
    public static WorkerProcess start(Map<String, String> env, List<String> jvmOptions, Path log) throws IOException {
        return start(env, jvmOptions, log, "serve");
    }

    /** {@code command}: {@code serve} (the worker) or {@code gateway}; both answer /q/health/ready. */
    public static WorkerProcess start(Map<String, String> env, List<String> jvmOptions, Path log, String command)
            throws IOException {
        int port = env.containsKey("HTTP_PORT") ? Integer.parseInt(env.get("HTTP_PORT")) : freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(runnerJar().toString());
        cmd.add(command);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.environment().put("HTTP_PORT", Integer.toString(port));
        pb.environment().put("DJL_OFFLINE", "true");
        Files.createDirectories(log.toAbsolutePath().getParent());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new WorkerProcess(pb.start(), port, log);
    }

    /** quarkus-run.jar of the running app, or of the build when running from classes (tests). */
    public static Path runnerJar() {
        try {
            Path here = Path.of(WorkerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // Fast-jar layout: <quarkus-app>/app/<our jar> or <quarkus-app>/lib/main/...
            for (Path p = here; p != null; p = p.getParent()) {
                Path candidate = p.resolve("quarkus-run.jar");
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the build directory
        }
        Path built = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (Files.isRegularFile(built)) {
            return built.toAbsolutePath();
        }
        throw new IllegalStateException("cannot find quarkus-run.jar; build with mvn package first");
    }

    /** Waits until /q/health/ready answers 200, or fails with the tail of the worker's log. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("worker not ready after " + timeout + ":\n" + logTail());
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then wait for a graceful exit. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hooks, no commit, as an OOM kill or a node loss would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(30));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
