package dev.stylize.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Shared plumbing of the embedded child JVMs: where the java binary, the application's jars and
 * the extra jars (S3Proxy, the broker's log4j binding) are; free loopback ports; log tails; and a
 * JVM shutdown hook that stops every child still running when the parent exits.
 */
final class ChildProcesses {
    /** Overrides the folder of the extra jars (normally {@code <quarkus-app>/embedded}). */
    static final String EMBEDDED_DIR_PROPERTY = "stylize.embedded.dir";
    /** Extra options for every child JVM, space-separated (after the defaults, so they win). */
    static final String JVM_OPTIONS_PROPERTY = "stylize.embedded.jvm-options";
    static final String LOOPBACK = "127.0.0.1";

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Thread hook = new Thread(ChildProcesses::stopAll, "embedded-children-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private ChildProcesses() {}

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code mainClass} in a child JVM under {@link ParentWatch}, output appended to
     * {@code log}; the child's stdin stays an open pipe that only this JVM holds.
     */
    static Process launch(List<String> classpath, List<String> jvmOptions, String mainClass, List<String> args,
            Path log, Path workDir) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmOptions);
        String extra = System.getProperty(JVM_OPTIONS_PROPERTY, "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.add("-Dstylize.parent.pid=" + ProcessHandle.current().pid());
        cmd.add("-cp");
        cmd.add(String.join(java.io.File.pathSeparator, classpath));
        cmd.add(ParentWatch.class.getName());
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        Files.writeString(log, "---- " + java.time.Instant.now() + " " + String.join(" ", cmd) + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        LIVE.add(p);
        return p;
    }

    /** SIGTERM, wait up to {@code graceMillis}, then SIGKILL. Returns true when it stopped by itself. */
    static boolean terminate(Process p, long graceMillis) {
        boolean clean = true;
        if (p.isAlive()) {
            p.destroy();
            try {
                clean = p.waitFor(graceMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
            }
            if (!clean) {
                kill(p);
            }
        }
        release(p);
        return clean;
    }

    static void kill(Process p) {
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release(p);
    }

    private static void release(Process p) {
        LIVE.remove(p);
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void stopAll() {
        List<Process> all = new ArrayList<>(LIVE);
        all.forEach(p -> { if (p.isAlive()) p.destroy(); });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Process p : all) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    // ---------------------------------------------------------------- classpath

    /**
     * The application's own classpath for a child JVM: the jars of the Quarkus fast-jar
     * ({@code lib/boot}, {@code lib/main}, {@code app}) when running from it, else
     * {@code java.class.path} (in tests: Surefire's manifest-only booter jar, whose Class-Path the
     * child JVM follows just the same).
     */
    static List<String> applicationClasspath() {
        Optional<Path> app = quarkusAppDir();
        if (app.isPresent()) {
            List<String> cp = new ArrayList<>();
            for (String sub : List.of("lib/boot", "lib/main", "app")) {
                cp.addAll(jars(app.get().resolve(sub)));
            }
            return cp;
        }
        String cp = System.getProperty("java.class.path", "");
        if (cp.isBlank()) {
            throw new IllegalStateException("cannot find the application classpath for the embedded broker");
        }
        // The child runs in its data dir: relative entries must be made absolute.
        return Stream.of(cp.split(java.io.File.pathSeparator)).filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().toString()).toList();
    }

    /** The folder or jar holding {@link ParentWatch}: all S3Proxy's child needs of ours. */
    static Optional<Path> ownCodeLocation() {
        return codeLocation(ParentWatch.class);
    }

    /** {@code .../quarkus-app} when this class was loaded from a Quarkus fast-jar. */
    static Optional<Path> quarkusAppDir() {
        String cp = System.getProperty("java.class.path", "");
        if (!cp.contains(java.io.File.pathSeparator) && cp.endsWith("quarkus-run.jar")) {
            Path dir = Path.of(cp).toAbsolutePath().getParent();
            if (dir != null && Files.isDirectory(dir.resolve("lib"))) {
                return Optional.of(dir);
            }
        }
        return codeLocation(ChildProcesses.class)
                .filter(Files::isRegularFile)
                .map(Path::getParent)
                .filter(p -> p.getFileName() != null && p.getFileName().toString().equals("app"))
                .map(Path::getParent)
                .filter(p -> Files.isRegularFile(p.resolve("quarkus-run.jar")));
    }

    private static Optional<Path> codeLocation(Class<?> c) {
        try {
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) {
                return Optional.empty();
            }
            return Optional.of(Path.of(cs.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * The folder of the extra jars: {@code -Dstylize.embedded.dir}, else
     * {@code <quarkus-app>/embedded}, else {@code target/quarkus-app/embedded} under the working dir.
     */
    static Path embeddedDir() {
        String prop = System.getProperty(EMBEDDED_DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath();
        }
        Optional<Path> app = quarkusAppDir();
        if (app.isPresent() && Files.isDirectory(app.get().resolve("embedded"))) {
            return app.get().resolve("embedded");
        }
        return Path.of("target", "quarkus-app", "embedded").toAbsolutePath();
    }

    static List<String> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted()
                    .map(p -> p.toAbsolutePath().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- ports, files

    /** A port that was free on 127.0.0.1 a moment ago. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + LOOPBACK, e);
        }
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The last {@code maxBytes} of a log file, for error messages. */
    static String tail(Path log, int maxBytes) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - maxBytes);
            byte[] b = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    static Properties readProperties(Path file) {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return p;
    }

    static void writeProperties(Path file, Properties p, String comment) {
        try {
            Files.createDirectories(file.getParent());
            try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(w, comment);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
