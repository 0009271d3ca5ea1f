package dev.stylize.analytic;

import dev.stylize.runtime.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The analytic model set used when no model directory is given: generated on first use into a
 * cache directory (never committed), written to a temporary sibling and renamed so a half-written
 * set is never picked up.
 */
public final class BundledModels {
    /** Bump when the generator's output changes, so caches regenerate. */
    static final String GENERATION = "analytic-f32-v2";

    private BundledModels() {}

    public static Path cacheRoot() {
        String env = System.getenv("STYLIZE_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "stylize-worker");
    }

    public static synchronized Path ensure() {
        Path dir = cacheRoot().resolve("models").resolve(GENERATION);
        if (Files.isRegularFile(dir.resolve(ModelDirectory.MANIFEST))) {
            return dir;
        }
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), GENERATION + ".tmp");
            AnalyticModels.write(tmp, AnalyticModels.Options.defaults());
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException e) {
                deleteTree(tmp);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp); // another process won the race
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the analytic model set under " + dir, e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
