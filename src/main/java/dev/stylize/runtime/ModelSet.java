package dev.stylize.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one place that creates ONNX Runtime sessions: every component of a model directory, each on
 * its configured execution provider, validated against the tensor contract before first use.
 *
 * <p>Closing frees a session or tokenizer only after every call in flight on it has returned (see
 * {@link #close(Duration)}); freeing one under a running kernel crashes the process.
 */
public final class ModelSet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelSet.class);

    /**
     * How long {@link #close()} waits for runs in flight. Long enough for a cancelled run to stop
     * and for an uncancelled VAE decode or transformer step on a GPU; the caller that knows better
     * (the worker, from its config) passes its own to {@link #close(Duration)}.
     */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final ModelDirectory directory;
    private final Map<Component, ModelSession> sessions;
    private final Map<Component, PromptTokenizer> tokenizers = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean closed; // guarded by this; no tokenizer is loaded after close

    private ModelSet(ModelDirectory directory, Map<Component, ModelSession> sessions) {
        this.directory = directory;
        this.sessions = sessions;
    }

    public static ModelSet load(Path dir, RuntimeConfig config, SessionObserver observer) {
        ModelDirectory directory = ModelDirectory.open(dir, config.verifyChecksums());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<Component, ModelSession> sessions = new EnumMap<>(Component.class);
        // One per set: the pod's one GPU, on which simulated GPU stages queue.
        SimulatedGpu gpu = config.simulateGpu() ? new SimulatedGpu() : null;
        try {
            for (Component c : Component.values()) {
                if (directory.has(c)) {
                    sessions.put(c, open(env, directory, c, config, observer, gpu));
                }
            }
        } catch (RuntimeException e) {
            sessions.values().forEach(ModelSession::close);
            throw e;
        }
        return new ModelSet(directory, sessions);
    }

    private static ModelSession open(OrtEnvironment env, ModelDirectory dir, Component c, RuntimeConfig config,
            SessionObserver observer, SimulatedGpu gpu) {
        ModelManifest.ComponentSpec spec = dir.spec(c);
        Provider wanted = config.providerFor(c, spec.provider());
        Path file = dir.path(spec.file());
        // Simulated: the component's production placement (the manifest's provider) is a GPU.
        boolean simulated = gpu != null && spec.provider() != null && Provider.parse(spec.provider()) != Provider.CPU;
        if (simulated) {
            file = cheapGraph(dir, c, spec, config.verifyChecksums());
            wanted = Provider.CPU;
        }
        OrtSession session;
        Provider used = wanted;
        try {
            session = create(env, file, wanted, config, c, spec, dir);
        } catch (OrtException e) {
            if (wanted == Provider.CPU) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, c.key() + ": cannot load " + file + ": "
                        + e.getMessage(), e);
            }
            LOG.warnf("component=%s provider=%s unavailable (%s); falling back to CPU", c.key(), wanted,
                    firstLine(e.getMessage()));
            used = Provider.CPU;
            try {
                session = create(env, file, Provider.CPU, config, c, spec, dir);
            } catch (OrtException e2) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, c.key() + ": cannot load " + file + ": "
                        + e2.getMessage(), e2);
            }
        }
        try {
            IoContract.validate(c, dir.manifest().constants(), spec, session.getInputInfo(), session.getOutputInfo());
            LOG.infof("component=%s file=%s provider=%s loaded%s", c.key(),
                    simulated ? spec.cost().cheapFile() : spec.file(), used,
                    simulated ? " (GPU simulated by waiting)" : "");
            return new ModelSession(c, env, session, used, spec.inputs(), spec.outputs(), observer,
                    simulated ? gpu : null, simulated ? spec.cost() : null);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof StylizeException se) {
                throw se;
            }
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, c.key() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cost profile's cheap graph of a simulated GPU component, checked like the files of
     * {@link ModelDirectory} (it is not one of them: only simulation reads it).
     */
    private static Path cheapGraph(ModelDirectory dir, Component c, ModelManifest.ComponentSpec spec, boolean verify) {
        ModelManifest.Cost cost = spec.cost();
        if (cost == null || cost.cheapFile() == null) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, c.key() + ": GPU simulation needs a cost-profile"
                    + " model set (models generate --profile production-costs); this component has no cost model");
        }
        Path file = dir.path(cost.cheapFile()).normalize();
        if (!file.startsWith(dir.root().normalize()) || !Files.isRegularFile(file)) {
            throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING, c.key() + ": cheap graph " + file
                    + " is missing or outside the model directory");
        }
        if (verify) {
            try {
                String actual = Sha256.of(file);
                if (!actual.equalsIgnoreCase(String.valueOf(cost.cheapSha256()))) {
                    throw new StylizeException(ErrorCode.MODEL_CHECKSUM_MISMATCH, c.key() + ": " + cost.cheapFile()
                            + " has sha256 " + actual + ", manifest says " + cost.cheapSha256());
                }
            } catch (java.io.IOException e) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, "cannot read " + file + ": " + e.getMessage(),
                        e);
            }
        }
        return file;
    }

    private static OrtSession create(OrtEnvironment env, Path file, Provider provider, RuntimeConfig config,
            Component c, ModelManifest.ComponentSpec spec, ModelDirectory dir) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (config.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(config.intraOpThreads());
            }
            switch (provider) {
                case TENSORRT -> {
                    OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(config.deviceId());
                    for (Map.Entry<String, String> o : tensorRtOptions(c, spec, dir, file, config).entrySet()) {
                        trt.add(o.getKey(), o.getValue());
                    }
                    options.addTensorrt(trt);
                    // Nodes TensorRT cannot take run on CUDA rather than the CPU.
                    options.addCUDA(config.deviceId());
                }
                case CUDA -> options.addCUDA(config.deviceId());
                case CPU -> { }
            }
            // Graphs over 2 GB keep their weights in external-data files beside the graph; loading
            // from a path lets ONNX Runtime resolve them.
            return env.createSession(file.toString(), options);
        }
    }

    /** {@link TensorRtOptions} of a component, with its cache directory created. */
    static Map<String, String> tensorRtOptions(Component c, ModelManifest.ComponentSpec spec, ModelDirectory dir,
            Path file, RuntimeConfig config) throws OrtException {
        try {
            if (config.tensorrtCacheDir() != null) {
                Files.createDirectories(config.tensorrtCacheDir());
            }
            return TensorRtOptions.of(c, dir.manifest().constants(), spec, GraphBoundary.read(file), config);
        } catch (java.io.IOException e) {
            throw new OrtException("TensorRT options of " + c.key() + ": " + e.getMessage());
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // best effort
        }
    }

    public ModelDirectory directory() {
        return directory;
    }

    public ModelManifest.Constants constants() {
        return directory.manifest().constants();
    }

    public boolean has(Component c) {
        return sessions.containsKey(c);
    }

    public ModelSession session(Component c) {
        ModelSession s = sessions.get(c);
        if (s == null) {
            throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING,
                    "model set '" + directory.manifest().id() + "' has no '" + c.key() + "' component");
        }
        return s;
    }

    /** True when any of these components is loaded on the accelerator (see {@link ModelSession#onAccelerator}). */
    public boolean onAccelerator(Component... components) {
        for (Component c : components) {
            ModelSession s = sessions.get(c);
            if (s != null && s.onAccelerator()) {
                return true;
            }
        }
        return false;
    }

    public Optional<ModelSession> optional(Component c) {
        return Optional.ofNullable(sessions.get(c));
    }

    /**
     * The component's tokenizer (from the manifest), loaded once and padded to {@code length}.
     * After close, loading one fails with CANCELLED; one already loaded refuses {@code encode}.
     */
    public PromptTokenizer tokenizer(Component c, int length) {
        PromptTokenizer loaded = tokenizers.get(c);
        if (loaded != null) {
            return loaded;
        }
        // Loading and close are serialised, so close sees (and frees) every tokenizer ever loaded.
        synchronized (this) {
            if (closed) {
                throw ModelSession.closedError(c.key() + " tokenizer");
            }
            return tokenizers.computeIfAbsent(c, k -> loadTokenizer(k, length));
        }
    }

    private PromptTokenizer loadTokenizer(Component c, int length) {
        String file = directory.spec(c) == null ? null : directory.spec(c).tokenizer();
        if (file == null) {
            throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING, c.key() + " has no tokenizer in the manifest");
        }
        try {
            return PromptTokenizer.load(directory.path(file), length);
        } catch (java.io.IOException | RuntimeException e) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, "cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Closes the set without ever freeing a session (or tokenizer) under a call that is still
     * running on it. New runs are refused at once (CANCELLED); runs in flight are not stopped (the
     * caller decides that, by cancelling their jobs) but waited for, up to {@code timeout} in all.
     * What is still busy then is left open and logged at ERROR: a leak at exit rather than a crash.
     * Calling it again later frees what has since become idle.
     *
     * @return true if everything was freed
     */
    public boolean close(Duration timeout) {
        synchronized (this) {
            closed = true;
        }
        // Refuse everywhere first, so no run starts on one component while we wait for another.
        sessions.values().forEach(ModelSession::refuseNewRuns);
        tokenizers.values().forEach(PromptTokenizer::refuseNewCalls);
        int busy = sessions.values().stream().mapToInt(ModelSession::runsInFlight).sum()
                + tokenizers.values().stream().mapToInt(PromptTokenizer::callsInFlight).sum();
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        List<String> leftOpen = new ArrayList<>();
        int stillRunning = 0;
        for (ModelSession s : sessions.values()) {
            if (!s.closeBy(deadline)) {
                leftOpen.add(s.component().key());
                stillRunning += s.runsInFlight();
            }
        }
        for (Map.Entry<Component, PromptTokenizer> e : tokenizers.entrySet()) {
            if (!e.getValue().closeBy(deadline)) {
                leftOpen.add(e.getKey().key() + " tokenizer");
                stillRunning += e.getValue().callsInFlight();
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (!leftOpen.isEmpty()) {
            LOG.errorf("models=%s close: %d call(s) still in flight after %d ms (timeout %s); left open, not freed: %s",
                    directory.manifest().id(), stillRunning, ms, timeout, String.join(", ", leftOpen));
            return false;
        }
        if (busy > 0) {
            LOG.infof("models=%s close waited %d ms for %d in-flight call(s) to return", directory.manifest().id(), ms,
                    busy);
        }
        return true;
    }
}
