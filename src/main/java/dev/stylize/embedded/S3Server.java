package dev.stylize.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An S3-compatible server: S3Proxy ({@code org.gaul:s3proxy}, jar-with-dependencies) in a child
 * JVM with the filesystem blob store, real AWS v2/v4 authentication, on 127.0.0.1 only.
 *
 * <p>The S3Proxy jar is not on the application classpath; it is found at
 * {@code -Dstylize.s3proxy.jar}, else {@code <quarkus-app>/embedded/s3proxy.jar}, else
 * {@code target/quarkus-app/embedded/s3proxy.jar} under the working dir (the build copies it there).
 *
 * <p>Layout under the data dir: {@code s3server.properties} (credentials and port, random on the
 * first start, kept for later ones), {@code s3proxy.properties}, {@code blobs/}, {@code s3proxy.log}.
 */
public final class S3Server extends ChildServer {
    public static final String JAR_PROPERTY = "stylize.s3proxy.jar";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    private static final long STOP_GRACE_MILLIS = 10_000;

    private final Path dataDir;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private final Duration startTimeout;
    private volatile long lastStartMillis;

    private S3Server(Path dataDir, int port, String accessKey, String secretKey, Duration startTimeout,
            AtomicReference<Process> process) {
        super(process, STOP_GRACE_MILLIS);
        this.dataDir = dataDir;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.startTimeout = startTimeout;
    }

    /**
     * Starts S3Proxy on {@code dataDir}. {@code port} 0 picks a free port (the one this data dir used
     * before when it is still free). Returns once it answers HTTP.
     */
    public static S3Server start(Path dataDir, int port) {
        return start(dataDir, port, DEFAULT_START_TIMEOUT);
    }

    public static S3Server start(Path dataDir, int port, Duration startTimeout) {
        Path dir = dataDir.toAbsolutePath();
        Path stateFile = dir.resolve("s3server.properties");
        Properties state = ChildProcesses.readProperties(stateFile);
        if (state.getProperty("access.key") == null || state.getProperty("secret.key") == null) {
            state.setProperty("access.key", "STYLIZE" + random(13, UPPER_ALNUM));
            state.setProperty("secret.key", random(40, ALNUM));
        }
        int p = port;
        if (p == 0) {
            String saved = state.getProperty("port");
            p = saved != null && ChildProcesses.portFree(Integer.parseInt(saved.trim()))
                    ? Integer.parseInt(saved.trim()) : ChildProcesses.freePort();
        }
        state.setProperty("port", Integer.toString(p));
        ChildProcesses.writeProperties(stateFile, state, "embedded S3 server on this data dir (secret: keep private)");
        try {
            Files.setPosixFilePermissions(stateFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
        S3Server s = new S3Server(dir, p, state.getProperty("access.key"), state.getProperty("secret.key"), startTimeout,
                new AtomicReference<>());
        s.launch();
        return s;
    }

    /** {@code http://127.0.0.1:PORT} */
    public String endpoint() {
        return "http://" + ChildProcesses.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("s3proxy.log");
    }

    /** How long the last start (or restart) took until S3Proxy answered, in milliseconds. */
    public long lastStartMillis() {
        return lastStartMillis;
    }

    /** Where the S3Proxy jar should be: {@code -Dstylize.s3proxy.jar}, else {@code <embedded dir>/s3proxy.jar}. */
    static Path jarPath() {
        String prop = System.getProperty(JAR_PROPERTY);
        return prop != null && !prop.isBlank() ? Path.of(prop).toAbsolutePath()
                : ChildProcesses.embeddedDir().resolve("s3proxy.jar");
    }

    /** The S3Proxy jar ({@link #jarPath()}), which must exist. */
    public static Path locateJar() {
        Path jar = jarPath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy jar not found at " + jar + " (set -D" + JAR_PROPERTY
                    + "=PATH, or build with mvn: the build copies it to target/quarkus-app/embedded/s3proxy.jar)");
        }
        return jar;
    }

    @Override
    void launch() {
        Path jar = locateJar();
        Path blobs = dataDir.resolve("blobs");
        Path props = dataDir.resolve("s3proxy.properties");
        try {
            Files.createDirectories(blobs);
            String config = "# Written by dev.stylize.embedded.S3Server on every start.\n"
                    + "s3proxy.endpoint=" + endpoint() + "\n"
                    + "s3proxy.authorization=aws-v2-or-v4\n"
                    + "s3proxy.identity=" + accessKey + "\n"
                    + "s3proxy.credential=" + secretKey + "\n"
                    + "jclouds.provider=filesystem-nio2\n"
                    + "jclouds.filesystem.basedir=" + blobs + "\n";
            Files.writeString(props, config, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(props, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the S3 data dir " + dataDir, e);
        }
        if (!ChildProcesses.portFree(port)) {
            throw new IllegalStateException("embedded S3: port " + port + " on 127.0.0.1 is in use");
        }
        List<String> cp = new ArrayList<>();
        cp.add(jar.toString());
        Optional<Path> own = ChildProcesses.ownCodeLocation();
        if (own.isEmpty()) {
            throw new IllegalStateException("cannot locate the classes of " + ParentWatch.class.getName());
        }
        cp.add(own.get().toString());
        long t0 = System.nanoTime();
        try {
            process.set(ChildProcesses.launch(cp,
                    List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Djava.awt.headless=true"),
                    "org.gaul.s3proxy.Main", List.of("--properties", props.toString()), logFile(), dataDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start S3Proxy", e);
        }
        awaitReady(t0);
    }

    private void awaitReady(long t0) {
        Process process = this.process.get();
        long deadline = t0 + startTimeout.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        String lastError = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with code " + process.exitValue()
                        + " while starting; tail of " + logFile() + ":\n" + ChildProcesses.tail(logFile(), 4000));
            }
            if (ChildProcesses.accepts(port)) {
                try {
                    // Anonymous: S3Proxy answers 403 once it serves requests; any HTTP answer will do.
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() > 0) {
                        lastStartMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        return;
                    }
                } catch (IOException e) {
                    lastError = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for S3Proxy", e);
                }
            }
            ChildProcesses.sleep(100);
        }
        ChildProcesses.kill(process);
        throw new IllegalStateException("S3Proxy on " + endpoint() + " not ready after " + startTimeout.toSeconds()
                + " s (" + lastError + "); tail of " + logFile() + ":\n" + ChildProcesses.tail(logFile(), 4000));
    }

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static String random(int n, String alphabet) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
