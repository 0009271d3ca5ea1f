package dev.stylize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's {@code stack} command: prints the env lines, listens on 127.0.0.1 only, keeps
 * ports and keys on the same {@code --data}, and leaves no child process behind when it is stopped
 * (SIGTERM) or killed (SIGKILL).
 */
class StackCommandIT {
    @TempDir
    Path tmp;

    @Test
    void stackStartsStopsAndRestartsOnTheSameData() throws Exception {
        Path data = tmp.resolve("data");
        Process first = start(data);
        Map<String, String> env = readEnv(first);
        List<ProcessHandle> children = first.toHandle().descendants().toList();
        try {
            assertEquals(List.of("KAFKA_BOOTSTRAP_SERVERS", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY"),
                    List.copyOf(env.keySet()));
            assertEquals(2, children.size(), "broker and S3 server: " + children);
            String[] kafka = env.get("KAFKA_BOOTSTRAP_SERVERS").split(":");
            assertEquals("127.0.0.1", kafka[0]);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(kafka[1])), 2000);
            }
            HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(env.get("S3_ENDPOINT") + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, anonymous.statusCode(), "S3 must reject anonymous requests");
            List<String> listening = listeningAddresses(first.toHandle());
            assertFalse(listening.isEmpty());
            for (String a : listening) {
                assertTrue(a.equals("127.0.0.1") || a.equals("::ffff:127.0.0.1"), "listens on " + listening);
            }
        } finally {
            first.destroy(); // SIGTERM
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "stack did not stop on SIGTERM");
        }
        for (ProcessHandle c : children) {
            assertFalse(c.isAlive(), "orphan child " + c.pid() + " after SIGTERM");
        }

        Process second = start(data);
        Map<String, String> again = readEnv(second);
        List<ProcessHandle> children2 = second.toHandle().descendants().toList();
        assertEquals(env, again, "same ports and keys on the same --data");
        second.destroyForcibly(); // SIGKILL: no shutdown hook; the children notice on their own
        second.waitFor(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (children2.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        for (ProcessHandle c : children2) {
            assertFalse(c.isAlive(), "orphan child " + c.pid() + " after SIGKILL of the parent");
        }
    }

    private Process start(Path data) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/quarkus-app/quarkus-run.jar", "stack", "--data", data.toString());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("stack.err").toFile()));
        return pb.start();
    }

    private Map<String, String> readEnv(Process p) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while (env.size() < 4 && (line = r.readLine()) != null) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (env.size() < 4) {
            throw new AssertionError("stack printed " + env + "; stderr:\n" + Files.readString(tmp.resolve("stack.err")));
        }
        return env;
    }

    /** Local addresses of the TCP sockets in LISTEN state held by the process or its descendants (Linux /proc). */
    private static List<String> listeningAddresses(ProcessHandle root) throws IOException {
        Set<String> inodes = new HashSet<>();
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        for (ProcessHandle h : all) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(h.pid()), "fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            }
        }
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    addresses.add(decode(f[1].split(":")[0]));
                }
            }
        }
        return addresses;
    }

    private static String decode(String hex) {
        if (hex.length() == 8) {
            return ipv4(hex);
        }
        if (hex.startsWith("0000000000000000FFFF0000")) {
            return "::ffff:" + ipv4(hex.substring(24));
        }
        return hex.equals("00000000000000000000000001000000") ? "::1" : hex;
    }

    private static String ipv4(String hex) {
        // /proc prints each 32-bit word in host (little-endian) order.
        return Integer.parseInt(hex.substring(6, 8), 16) + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
                + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
    }
}
