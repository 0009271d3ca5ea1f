package dev.stylize.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import dev.stylize.analytic.AnalyticModels;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RuntimeConfig#simulateGpu()}: GPU components of a cost profile run their cheap graph and
 * wait for the modelled time on one shared GPU timeline; CPU components and unsimulated loads burn.
 * Times are checked as lower bounds only (this machine may be slower, never faster than a wait).
 */
class SimulatedGpuTest {
    static final long LH = 6;
    static final long LW = 4;
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    static Path root;
    static Path costs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generate() throws IOException {
        costs = root.resolve("costs");
        AnalyticModels.write(costs, AnalyticModels.Options.productionCostProfile().withDevTransformer(false));
    }

    private static ModelSet load(Path dir, boolean simulate) {
        return ModelSet.load(dir, RuntimeConfig.cpu().withSimulatedGpu(simulate), null);
    }

    /** A copy of the cost profile whose vae_decoder cost is changed by {@code edit}. */
    private Path withDecoderCost(UnaryOperator<ModelManifest.Cost> edit) throws IOException {
        Path dir = tmp.resolve("edited");
        ModelSetTest.copyTree(costs, dir);
        ModelManifest m = ModelDirectory.open(dir, false).manifest();
        Map<String, ModelManifest.ComponentSpec> components = new LinkedHashMap<>(m.components());
        ModelManifest.ComponentSpec s = components.get(Component.VAE_DECODER.key());
        components.put(Component.VAE_DECODER.key(), new ModelManifest.ComponentSpec(s.file(), s.sha256(),
                s.dataFiles(), s.provider(), s.inputs(), s.outputs(), s.tokenizer(), s.tokenizerSha256(),
                edit.apply(s.cost())));
        ModelDirectory.write(dir, new ModelManifest(m.manifestVersion(), m.id(), m.description(), m.constants(),
                components));
        return dir;
    }

    /** Decoder cost of {@code ms} for the 6×4 latent of {@link #decode}. */
    private Path decoderTaking(double ms) throws IOException {
        return withDecoderCost(c -> new ModelManifest.Cost(c.items(), c.units(), ms / (LH * LW), 0, c.cheapFile(),
                c.cheapSha256()));
    }

    private static float[] decode(ModelSet set, RunControl control) {
        ModelSession dec = set.session(Component.VAE_DECODER);
        float[] latent = new float[(int) (16 * LH * LW)];
        for (int i = 0; i < latent.length; i++) {
            latent[i] = (i % 13) * 0.1f - 0.5f;
        }
        try (HostTensor in = dec.input("latent", latent, 1, 16, LH, LW)) {
            return dec.run(Map.of("latent", in), control).get("images");
        }
    }

    @Test
    void onlyGpuComponentsAreSimulatedAndOnlyWhenAsked() {
        try (ModelSet set = load(costs, true)) {
            for (Component c : Component.values()) {
                if (set.has(c)) {
                    boolean gpu = !set.directory().spec(c).provider().equals("cpu");
                    assertEquals(gpu, set.session(c).simulatedGpu(), c.key());
                    assertEquals(Provider.CPU, set.session(c).provider(), c.key());
                }
            }
            assertFalse(set.session(Component.T5).simulatedGpu());
            assertTrue(set.session(Component.FILL_TRANSFORMER).simulatedGpu());
        }
        try (ModelSet set = load(costs, false)) {
            for (Component c : Component.values()) {
                set.optional(c).ifPresent(s -> assertFalse(s.simulatedGpu(), c.key()));
            }
        }
        // What serve builds (the six-argument constructor) and the presets never simulate.
        assertFalse(new RuntimeConfig(null, null, 0, null, 0, true).simulateGpu());
        assertFalse(RuntimeConfig.cpu().simulateGpu() || RuntimeConfig.followManifest().simulateGpu());
        assertTrue(RuntimeConfig.cpu().withSimulatedGpu(true).withOverride(Component.T5, Provider.CPU)
                .withVerifyChecksums(false).simulateGpu());
    }

    @Test
    void aSimulatedRunReturnsTheCheapOutputAfterTheModelledTime() throws IOException {
        Path dir = decoderTaking(300);
        float[] burned;
        try (ModelSet set = load(dir, false); RunControl control = new RunControl()) {
            burned = decode(set, control);
        }
        try (ModelSet set = load(dir, true); RunControl control = new RunControl()) {
            long t0 = System.nanoTime();
            float[] simulated = decode(set, control);
            long elapsed = System.nanoTime() - t0;
            assertArrayEquals(burned, simulated);
            assertTrue(elapsed >= 300_000_000L, "elapsed " + elapsed / 1e6 + " ms");
            assertTrue(set.session(Component.VAE_DECODER).runNanos() >= 300_000_000L, "runNanos counts the wait");
        }
    }

    @Test
    void modelledTimeFollowsTheDriverDimensions() {
        ModelManifest.Cost cost = new ModelManifest.Cost("hidden_states:0",
                List.of("hidden_states:1", "encoder_hidden_states:1*txt_ids:1"), 0.5, 0.001, null, null);
        SimulatedGpu.Stage stage = new SimulatedGpu().stage(Component.FILL_TRANSFORMER, cost,
                Map.of("hidden_states", 3, "encoder_hidden_states", 3, "txt_ids", 2));
        try (HostTensor hs = HostTensor.allocate(ENV, TensorDtype.FLOAT32, new long[] {2, 10, 4});
                HostTensor ehs = HostTensor.allocate(ENV, TensorDtype.FLOAT32, new long[] {1, 7, 1});
                HostTensor ids = HostTensor.allocate(ENV, TensorDtype.FLOAT32, new long[] {7, 3})) {
            // items 2, u = 10 + 7·3 = 31: 2·(0.5·31 + 0.001·31²) ms.
            double ms = 2 * (0.5 * 31 + 0.001 * 31 * 31);
            assertEquals(Math.round(ms * 1e6), stage.modelledNanos(Map.of("hidden_states", hs,
                    "encoder_hidden_states", ehs, "txt_ids", ids)));
        }
        StylizeException e = assertThrows(StylizeException.class, () -> new SimulatedGpu().stage(
                Component.FILL_TRANSFORMER, cost, Map.of("hidden_states", 3, "encoder_hidden_states", 3, "txt_ids", 1)));
        assertEquals(ErrorCode.MODEL_LOAD_FAILED, e.code());
        assertTrue(e.getMessage().contains("txt_ids:1"), e.getMessage());
    }

    @Test
    void runsOfConcurrentJobsQueueOnTheOneGpu() throws Exception {
        Path dir = decoderTaking(200);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (ModelSet set = load(dir, true)) {
            try (RunControl warm = new RunControl()) {
                decode(set, warm);
            }
            long t0 = System.nanoTime();
            List<Future<float[]>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> {
                    try (RunControl control = new RunControl()) {
                        return decode(set, control);
                    }
                }));
            }
            for (Future<float[]> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
            long elapsed = System.nanoTime() - t0;
            assertTrue(elapsed >= 600_000_000L, "three 200 ms GPU runs took " + elapsed / 1e6 + " ms");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancellingTheJobStopsTheWait() throws Exception {
        Path dir = decoderTaking(120_000);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ModelSet set = load(dir, true); RunControl control = new RunControl()) {
            Future<float[]> run = pool.submit(() -> decode(set, control));
            Thread.sleep(200);
            assertFalse(run.isDone());
            long t0 = System.nanoTime();
            control.cancel();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> run.get(30, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 < 30_000_000_000L);
            assertEquals(ErrorCode.CANCELLED, ((StylizeException) e.getCause()).code());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void simulationNeedsTheCostAndAnIntactCheapGraph() throws IOException {
        Path noCost = withDecoderCost(c -> null);
        assertEquals(ErrorCode.MODEL_LOAD_FAILED, assertThrows(StylizeException.class, () -> load(noCost, true)).code());
        load(noCost, false).close(); // without simulation the cost is not needed

        Path dir = tmp.resolve("corrupt");
        ModelSetTest.copyTree(costs, dir);
        Path cheap = dir.resolve("vae_decoder/model.cheap.onnx");
        byte[] bytes = Files.readAllBytes(cheap);
        bytes[bytes.length - 1] ^= 1;
        Files.write(cheap, bytes);
        StylizeException e = assertThrows(StylizeException.class, () -> load(dir, true));
        assertEquals(ErrorCode.MODEL_CHECKSUM_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("model.cheap.onnx"), e.getMessage());
        load(dir, false).close(); // only simulation reads the cheap graph
    }
}
