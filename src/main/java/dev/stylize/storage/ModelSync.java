package dev.stylize.storage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.ModelDirectory;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Copies a model directory from an object-store prefix to a local directory ({@code models pull}),
 * and back ({@code models push}).
 *
 * <p>Pull: {@code manifest.json} is read first; every file it names (graphs, external data,
 * tokenizers) is taken from the local directory when it is already there with the manifest's
 * sha256 (a cache on a persistent volume survives pod restarts), else downloaded and verified, a
 * corrupted download re-fetched up to {@code attempts} times before the pull fails with
 * {@link ErrorCode#MODEL_CHECKSUM_MISMATCH}. Everything is assembled in a staging directory next to
 * the target ({@code .NAME.pull}); {@code manifest.json} is written into it last, and the staging
 * directory is renamed into place only when complete. So a pull that fails or is killed never
 * leaves a directory with a manifest whose files are missing or wrong: the target is either the
 * previous complete version, absent, or the new complete version. A later pull resumes from the
 * verified files in the staging directory.
 *
 * <p>Push: every local file is verified against the local manifest, then uploaded; the manifest is
 * uploaded last, so a reader never sees a manifest before the files it names.
 */
public final class ModelSync {
    private static final Logger LOG = Logger.getLogger(ModelSync.class);
    private static final long MAX_MANIFEST_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** {@code s3://bucket/prefix}: where a model directory lives in the object store. */
    public record Location(String bucket, String prefix) {
        public static Location parse(String uri) {
            if (uri == null || !uri.startsWith("s3://")) {
                throw new StylizeException(ErrorCode.INVALID_REQUEST, "expected s3://BUCKET/PREFIX, got '" + uri + "'");
            }
            String rest = uri.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (bucket.isEmpty()) {
                throw new StylizeException(ErrorCode.INVALID_REQUEST, "no bucket in '" + uri + "'");
            }
            return new Location(bucket, prefix);
        }

        public String key(String file) {
            return prefix.isEmpty() ? file : prefix + "/" + file;
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix;
        }
    }

    /** What a pull did. */
    public record Report(String modelId, String manifestSha256, Path directory, int downloaded, int reused,
            long bytesDownloaded, int refetched) {}

    /** Test hooks: called after each file is in the staging dir, and after a corrupted download. */
    public interface Listener {
        default void fileReady(String file, boolean reused) {}

        default void checksumMismatch(String file, int attempt, String actualSha256) {}
    }

    private final ObjectStore store;
    private final int attempts;
    private final Listener listener;

    public ModelSync(ObjectStore store, int attempts) {
        this(store, attempts, new Listener() {});
    }

    public ModelSync(ObjectStore store, int attempts, Listener listener) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.store = store;
        this.attempts = attempts;
        this.listener = listener;
    }

    /** The staging directory a pull into {@code target} uses. */
    public static Path stagingDir(Path target) {
        Path t = target.toAbsolutePath().normalize();
        return t.resolveSibling("." + t.getFileName() + ".pull");
    }

    public Report pull(Location from, Path target) {
        Path dir = target.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        if (parent == null) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, "cannot pull into the file system root");
        }
        try {
            Files.createDirectories(parent);
            // Two pulls into the same directory (two pods on one node sharing a cache) take turns.
            try (FileChannel lockFile = FileChannel.open(parent.resolve("." + dir.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                return pullLocked(from, dir);
            }
        } catch (IOException e) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, "cannot pull models into " + dir + ": " + e, e);
        }
    }

    private Report pullLocked(Location from, Path dir) throws IOException {
        byte[] manifestBytes = store.get(from.bucket(), from.key(ModelDirectory.MANIFEST), MAX_MANIFEST_BYTES);
        ModelManifest manifest = parse(manifestBytes, from);
        Map<String, String> files = files(manifest, from);
        String manifestSha = Sha256.of(manifestBytes);

        Path staging = stagingDir(dir);
        Files.createDirectories(staging);
        // Never a manifest in the staging dir before every file is verified.
        Files.deleteIfExists(staging.resolve(ModelDirectory.MANIFEST));
        removeAllBut(staging, files.keySet());

        int downloaded = 0;
        int reused = 0;
        int refetched = 0;
        long bytes = 0;
        for (Map.Entry<String, String> f : files.entrySet()) {
            String name = f.getKey();
            String expected = f.getValue().toLowerCase();
            Path staged = staging.resolve(name);
            Files.createDirectories(staged.getParent());
            boolean reuse = false;
            if (Files.isRegularFile(staged) && Sha256.of(staged).equals(expected)) {
                reuse = true; // verified by an interrupted pull
            } else {
                Files.deleteIfExists(staged);
                Path cached = dir.resolve(name);
                if (Files.isRegularFile(cached) && Sha256.of(cached).equals(expected)) {
                    linkOrCopy(cached, staged);
                    reuse = true;
                }
            }
            if (reuse) {
                reused++;
            } else {
                int tries = fetch(from, name, expected, staged);
                refetched += tries - 1;
                downloaded++;
                bytes += Files.size(staged);
            }
            listener.fileReady(name, reuse);
        }

        // Complete and verified: the manifest goes in last, then the directory into place.
        Path manifestPart = staging.resolve(ModelDirectory.MANIFEST + ".part");
        Files.write(manifestPart, manifestBytes);
        force(manifestPart);
        Files.move(manifestPart, staging.resolve(ModelDirectory.MANIFEST), StandardCopyOption.ATOMIC_MOVE);
        ModelDirectory.open(staging, false); // structure: every required component and file is there
        replace(dir, staging);
        LOG.infof("pulled model set '%s' from %s into %s: %d downloaded (%d bytes), %d reused, %d re-fetched",
                manifest.id(), from, dir, downloaded, bytes, reused, refetched);
        return new Report(manifest.id(), manifestSha, dir, downloaded, reused, bytes, refetched);
    }

    /** Downloads one file until its sha256 matches; returns the number of downloads it took. */
    private int fetch(Location from, String name, String expected, Path staged) throws IOException {
        Path part = staged.resolveSibling(staged.getFileName() + ".part");
        String actual = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            actual = store.download(from.bucket(), from.key(name), part);
            if (actual.equals(expected)) {
                force(part);
                Files.move(part, staged, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return attempt;
            }
            Files.deleteIfExists(part);
            LOG.warnf("%s: sha256 %s, manifest says %s (download %d/%d)", from.key(name), actual, expected, attempt,
                    attempts);
            listener.checksumMismatch(name, attempt, actual);
        }
        throw new StylizeException(ErrorCode.MODEL_CHECKSUM_MISMATCH, from.key(name) + " in bucket '" + from.bucket()
                + "' has sha256 " + actual + ", manifest says " + expected + " (" + attempts + " downloads)");
    }

    /** Swaps the complete staging dir into place; the previous version (if any) is removed. */
    private static void replace(Path dir, Path staging) throws IOException {
        Path old = null;
        if (Files.exists(dir)) {
            old = dir.resolveSibling("." + dir.getFileName() + ".old");
            deleteTree(old);
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteTree(old);
        }
    }

    // ---- push -----------------------------------------------------------------------------------

    /** Uploads a local model directory (verified first); returns the number of files uploaded. */
    public int push(Path dir, Location to) {
        ModelDirectory local = ModelDirectory.open(dir, true); // every sha256 checked before anything is sent
        Map<String, String> files = files(local.manifest(), to);
        for (String name : files.keySet()) {
            store.upload(to.bucket(), to.key(name), dir.resolve(name), "application/octet-stream");
        }
        store.upload(to.bucket(), to.key(ModelDirectory.MANIFEST), dir.resolve(ModelDirectory.MANIFEST),
                "application/json");
        LOG.infof("pushed model set '%s' (%d files + manifest) to %s", local.manifest().id(), files.size(), to);
        return files.size() + 1;
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static ModelManifest parse(byte[] bytes, Location from) {
        try {
            ModelManifest m = JSON.readValue(bytes, ModelManifest.class);
            if (m.components() == null || m.components().isEmpty()) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, from + "/" + ModelDirectory.MANIFEST
                        + " names no components");
            }
            return m;
        } catch (IOException e) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, "cannot parse " + from + "/"
                    + ModelDirectory.MANIFEST + ": " + e.getMessage(), e);
        }
    }

    /** Every file the manifest names, with its sha256; names must stay inside the directory. */
    static Map<String, String> files(ModelManifest m, Location where) {
        Map<String, String> files = new LinkedHashMap<>();
        m.components().forEach((component, spec) -> {
            add(files, component, spec.file(), spec.sha256(), where);
            if (spec.dataFiles() != null) {
                spec.dataFiles().forEach(d -> add(files, component, d.file(), d.sha256(), where));
            }
            if (spec.tokenizer() != null) {
                add(files, component, spec.tokenizer(), spec.tokenizerSha256(), where);
            }
        });
        return files;
    }

    private static void add(Map<String, String> files, String component, String name, String sha, Location where) {
        if (name == null || name.isBlank()) {
            throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING, where + ": component '" + component
                    + "' names no file");
        }
        Path p = Path.of(name).normalize();
        if (p.isAbsolute() || p.startsWith("..") || name.equals(ModelDirectory.MANIFEST) || name.endsWith(".part")) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, where + ": component '" + component
                    + "' names an invalid file '" + name + "'");
        }
        if (sha == null || !sha.matches("[0-9a-fA-F]{64}")) {
            throw new StylizeException(ErrorCode.MODEL_CHECKSUM_MISMATCH, where + ": no valid sha256 for '" + name
                    + "' (component '" + component + "')");
        }
        String previous = files.putIfAbsent(p.toString(), sha.toLowerCase());
        if (previous != null && !previous.equals(sha.toLowerCase())) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, where + ": '" + name
                    + "' is named twice with different sha256");
        }
    }

    private static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from); // same file system: no copy, and the cache keeps one copy
        } catch (IOException | UnsupportedOperationException e) {
            if (e instanceof FileAlreadyExistsException) {
                throw (IOException) e;
            }
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Removes every regular file under {@code dir} not in {@code keep} (stale parts, old files). */
    private static void removeAllBut(Path dir, Set<String> keep) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> !keep.contains(dir.relativize(p).toString()))
                    .forEach(stale::add);
        }
        for (Path p : stale) {
            Files.delete(p);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
