package dev.stylize.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one place that creates ONNX Runtime sessions: every component of a model directory, each on
 * its configured execution provider, validated against the tensor contract before first use.
 */
public final class ModelSet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelSet.class);

    private final ModelDirectory directory;
    private final Map<Component, ModelSession> sessions;
    private final Map<Component, PromptTokenizer> tokenizers = new java.util.concurrent.ConcurrentHashMap<>();

    private ModelSet(ModelDirectory directory, Map<Component, ModelSession> sessions) {
        this.directory = directory;
        this.sessions = sessions;
    }

    public static ModelSet load(Path dir, RuntimeConfig config, SessionObserver observer) {
        ModelDirectory directory = ModelDirectory.open(dir, config.verifyChecksums());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<Component, ModelSession> sessions = new EnumMap<>(Component.class);
        try {
            for (Component c : Component.values()) {
                if (directory.has(c)) {
                    sessions.put(c, open(env, directory, c, config, observer));
                }
            }
        } catch (RuntimeException e) {
            sessions.values().forEach(ModelSession::close);
            throw e;
        }
        return new ModelSet(directory, sessions);
    }

    private static ModelSession open(OrtEnvironment env, ModelDirectory dir, Component c, RuntimeConfig config,
            SessionObserver observer) {
        ModelManifest.ComponentSpec spec = dir.spec(c);
        Provider wanted = config.providerFor(c, spec.provider());
        Path file = dir.path(spec.file());
        OrtSession session;
        Provider used = wanted;
        try {
            session = create(env, file, wanted, config);
        } catch (OrtException e) {
            if (wanted == Provider.CPU) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, c.key() + ": cannot load " + file + ": "
                        + e.getMessage(), e);
            }
            LOG.warnf("component=%s provider=%s unavailable (%s); falling back to CPU", c.key(), wanted,
                    firstLine(e.getMessage()));
            used = Provider.CPU;
            try {
                session = create(env, file, Provider.CPU, config);
            } catch (OrtException e2) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, c.key() + ": cannot load " + file + ": "
                        + e2.getMessage(), e2);
            }
        }
        try {
            IoContract.validate(c, dir.manifest().constants(), spec, session.getInputInfo(), session.getOutputInfo());
            LOG.infof("component=%s file=%s provider=%s loaded", c.key(), spec.file(), used);
            return new ModelSession(c, env, session, used, spec.inputs(), spec.outputs(), observer);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof StylizeException se) {
                throw se;
            }
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, c.key() + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession create(OrtEnvironment env, Path file, Provider provider, RuntimeConfig config)
            throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (config.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(config.intraOpThreads());
            }
            switch (provider) {
                case TENSORRT -> {
                    OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(config.deviceId());
                    if (config.tensorrtCacheDir() != null) {
                        try {
                            Files.createDirectories(config.tensorrtCacheDir());
                        } catch (java.io.IOException e) {
                            throw new OrtException("cannot create TensorRT cache dir: " + e.getMessage());
                        }
                        trt.add("trt_engine_cache_enable", "1");
                        trt.add("trt_engine_cache_path", config.tensorrtCacheDir().toString());
                        trt.add("trt_timing_cache_enable", "1");
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

    public Optional<ModelSession> optional(Component c) {
        return Optional.ofNullable(sessions.get(c));
    }

    /** The component's tokenizer (from the manifest), loaded once and padded to {@code length}. */
    public PromptTokenizer tokenizer(Component c, int length) {
        return tokenizers.computeIfAbsent(c, k -> {
            String file = directory.spec(k) == null ? null : directory.spec(k).tokenizer();
            if (file == null) {
                throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING, k.key() + " has no tokenizer in the manifest");
            }
            try {
                return PromptTokenizer.load(directory.path(file), length);
            } catch (java.io.IOException | RuntimeException e) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, "cannot load " + file + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        sessions.values().forEach(ModelSession::close);
        tokenizers.values().forEach(PromptTokenizer::close);
    }
}
