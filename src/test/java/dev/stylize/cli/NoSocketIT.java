package dev.stylize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's local commands start no Quarkus runtime: {@code models generate} and
 * {@code run} must not connect, listen or even resolve a host name.
 */
class NoSocketIT {
    @TempDir
    Path tmp;

    @Test
    void modelsAndRunOpenNoSocket() throws Exception {
        Path log = tmp.resolve("sockets.log");
        Path models = tmp.resolve("models");
        assertEquals(0, jar(log, "models", "generate", "--out", models.toString()));
        assertTrue(Files.isRegularFile(models.resolve("manifest.json")));
        Path out = tmp.resolve("out.png");
        assertEquals(0, jar(log, "run", "--models", models.toString(), "--mode", "composite",
                "--reference", "samples/reference.png", "--target", "samples/target.png",
                "--out", out.toString(), "--steps", "2"));
        assertTrue(Files.size(out) > 0);
        String sockets = Files.exists(log) ? Files.readString(log) : "";
        assertEquals("", sockets, "socket activity by a local command");
    }

    @Test
    void badInputExitsWithTypedError() throws Exception {
        Path junk = tmp.resolve("junk.png");
        Files.write(junk, new byte[] {1, 2, 3, 4});
        Path log = tmp.resolve("sockets.log");
        Process p = start(log, "run", "--reference", junk.toString(), "--target", "samples/target.png",
                "--out", tmp.resolve("o.png").toString());
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("error UNSUPPORTED_FORMAT") || err.contains("error INVALID_IMAGE"), err);
        assertTrue(!err.contains("\tat "), "no stack trace for a typed error: " + err);
    }

    private int jar(Path log, String... args) throws IOException, InterruptedException {
        Process p = start(log, args);
        p.getInputStream().transferTo(System.out);
        p.getErrorStream().transferTo(System.err);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "command timed out");
        return p.exitValue();
    }

    private Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.manager=" + NoNetworkGuard.class.getName(),
                "-Dguard.log=" + log,
                "-cp", "target/test-classes" + java.io.File.pathSeparator + "target/quarkus-app/quarkus-run.jar",
                "io.quarkus.bootstrap.runner.QuarkusEntryPoint"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STYLIZE_CACHE_DIR", tmp.resolve("cache").toString());
        return pb.start();
    }
}
