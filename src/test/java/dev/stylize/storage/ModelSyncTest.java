package dev.stylize.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.AnalyticModels;
import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.embedded.SharedStack;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.ModelDirectory;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models pull} / {@code push} against the real (embedded) S3 server. */
class ModelSyncTest {
    private static final String BUCKET = EmbeddedStack.DEFAULT_BUCKET;
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(200));

    @TempDir
    static Path shared;

    private static ObjectStore store;
    private static Path source;
    private static ModelManifest manifest;
    private static Map<String, String> files;

    @TempDir
    Path work;

    @BeforeAll
    static void setUp() throws IOException {
        store = new ObjectStore(SharedStack.get().s3Settings(), FAST);
        source = shared.resolve("analytic");
        manifest = AnalyticModels.write(source, AnalyticModels.Options.defaults().withId("sync-test"));
        files = ModelSync.files(manifest, ModelSync.Location.parse("s3://local/x"));
        assertTrue(files.size() >= 8, "graphs and tokenizers: " + files.keySet());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    /** A fresh prefix holding the analytic set, pushed with {@code models push}. */
    private static ModelSync.Location pushed() {
        ModelSync.Location loc = ModelSync.Location.parse("s3://" + BUCKET + "/models/" + UUID.randomUUID() + "/");
        assertEquals(files.size() + 1, new ModelSync(store, 1).push(source, loc));
        return loc;
    }

    private static String anyGraph() {
        return manifest.components().get("fill_transformer").file();
    }

    @Test
    void pullVerifiesEveryFileAndReusesTheCache() throws IOException {
        ModelSync.Location loc = pushed();
        Path target = work.resolve("volume/flux1");

        ModelSync.Report first = new ModelSync(store, 3).pull(loc, target);
        assertEquals(files.size(), first.downloaded());
        assertEquals(0, first.reused());
        assertEquals("sync-test", first.modelId());
        ModelDirectory dir = ModelDirectory.open(target, true);
        assertEquals(Sha256.of(Files.readAllBytes(source.resolve(ModelDirectory.MANIFEST))), dir.manifestSha256());
        assertEquals(first.manifestSha256(), dir.manifestSha256());
        assertFalse(Files.exists(ModelSync.stagingDir(target)), "staging dir renamed into place");

        // Pod restart on the same volume: nothing is downloaded again.
        ModelSync.Report second = new ModelSync(store, 3).pull(loc, target);
        assertEquals(0, second.downloaded());
        assertEquals(files.size(), second.reused());

        // A damaged cached file is not reused: it alone is downloaded again; stray files disappear.
        Files.write(target.resolve(anyGraph()), "damaged".getBytes(StandardCharsets.UTF_8));
        Files.writeString(target.resolve("stray.onnx"), "not in the manifest");
        ModelSync.Report third = new ModelSync(store, 3).pull(loc, target);
        assertEquals(1, third.downloaded());
        assertEquals(files.size() - 1, third.reused());
        ModelDirectory.open(target, true);
        assertFalse(Files.exists(target.resolve("stray.onnx")));
    }

    @Test
    void corruptedObjectIsRejectedAndNothingBecomesVisible() throws IOException {
        ModelSync.Location loc = pushed();
        store.put(BUCKET, loc.key(anyGraph()), "corrupted bytes".getBytes(StandardCharsets.UTF_8), null, null);
        Path target = work.resolve("volume/flux1");
        List<Integer> mismatches = new ArrayList<>();
        ModelSync sync = new ModelSync(store, 2, new ModelSync.Listener() {
            @Override
            public void checksumMismatch(String file, int attempt, String actual) {
                assertEquals(anyGraph(), file);
                mismatches.add(attempt);
            }
        });

        StylizeException e = assertThrows(StylizeException.class, () -> sync.pull(loc, target));
        assertEquals(ErrorCode.MODEL_CHECKSUM_MISMATCH, e.code());
        assertTrue(e.getMessage().contains(anyGraph()) && e.getMessage().contains("2 downloads"), e.getMessage());
        assertEquals(List.of(1, 2), mismatches, "re-fetched once, then given up");
        assertFalse(Files.exists(target), "no model directory after a failed pull");
        assertNoValidLooking(target);

        // With another version in place (float16 graphs: other bytes), a failed pull leaves it as it was.
        Path f16 = work.resolve("f16");
        AnalyticModels.write(f16, AnalyticModels.Options.float16().withId("previous"));
        ModelSync.Location previous = ModelSync.Location.parse("s3://" + BUCKET + "/models/" + UUID.randomUUID());
        new ModelSync(store, 1).push(f16, previous);
        new ModelSync(store, 1).pull(previous, target);
        String before = ModelDirectory.open(target, true).manifestSha256();
        assertThrows(StylizeException.class, () -> sync.pull(loc, target));
        assertEquals(before, ModelDirectory.open(target, true).manifestSha256());
        assertEquals("previous", ModelDirectory.open(target, true).manifest().id());
    }

    @Test
    void corruptedDownloadIsFetchedAgain() throws IOException {
        ModelSync.Location loc = pushed();
        byte[] good = Files.readAllBytes(source.resolve(anyGraph()));
        store.put(BUCKET, loc.key(anyGraph()), "truncated".getBytes(StandardCharsets.UTF_8), null, null);
        Path target = work.resolve("volume/flux1");
        ModelSync.Report r = new ModelSync(store, 3, new ModelSync.Listener() {
            @Override
            public void checksumMismatch(String file, int attempt, String actual) {
                // The store heals (e.g. a replica caught up): the next download gets the right bytes.
                store.put(BUCKET, loc.key(file), good, null, null);
            }
        }).pull(loc, target);
        assertEquals(1, r.refetched());
        assertEquals(files.size(), r.downloaded());
        ModelDirectory.open(target, true);
    }

    @Test
    void interruptedPullLeavesNoValidLookingDirectoryAndResumes() throws IOException {
        ModelSync.Location loc = pushed();
        Path target = work.resolve("volume/flux1");
        RuntimeException kill = new RuntimeException("pod killed");
        List<String> ready = new ArrayList<>();
        ModelSync interrupted = new ModelSync(store, 3, new ModelSync.Listener() {
            @Override
            public void fileReady(String file, boolean reused) {
                ready.add(file);
                if (ready.size() == 3) {
                    throw kill;
                }
            }
        });
        assertEquals(kill, assertThrows(RuntimeException.class, () -> interrupted.pull(loc, target)));
        assertFalse(Files.exists(target));
        assertNoValidLooking(target);
        assertTrue(Files.isDirectory(ModelSync.stagingDir(target)), "verified files kept for the next pull");

        ModelSync.Report resumed = new ModelSync(store, 3).pull(loc, target);
        assertEquals(3, resumed.reused(), "the three verified files are not downloaded again");
        assertEquals(files.size() - 3, resumed.downloaded());
        ModelDirectory.open(target, true);
    }

    @Test
    void missingManifestAndBadLocations() {
        Path target = work.resolve("volume/none");
        StylizeException e = assertThrows(StylizeException.class, () -> new ModelSync(store, 1)
                .pull(ModelSync.Location.parse("s3://" + BUCKET + "/models/" + UUID.randomUUID()), target));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        assertFalse(Files.exists(target));

        assertEquals(new ModelSync.Location("b", "p/q"), ModelSync.Location.parse("s3://b/p/q/"));
        assertEquals(new ModelSync.Location("b", ""), ModelSync.Location.parse("s3://b"));
        assertEquals("x.onnx", new ModelSync.Location("b", "").key("x.onnx"));
        assertEquals(ErrorCode.INVALID_REQUEST,
                assertThrows(StylizeException.class, () -> ModelSync.Location.parse("/local/dir")).code());
        assertEquals(ErrorCode.INVALID_REQUEST,
                assertThrows(StylizeException.class, () -> ModelSync.Location.parse("s3:///p")).code());
    }

    /** Neither the target nor anything beside it opens as a model directory. */
    private static void assertNoValidLooking(Path target) throws IOException {
        try (var siblings = Files.list(target.getParent())) {
            for (Path p : siblings.toList()) {
                assertFalse(Files.exists(p.resolve(ModelDirectory.MANIFEST)), p + " has a manifest");
            }
        }
        StylizeException e = assertThrows(StylizeException.class, () -> ModelDirectory.open(target, false));
        assertEquals(ErrorCode.MODEL_NOT_FOUND, e.code());
    }
}
