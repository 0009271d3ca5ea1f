package dev.stylize.runtime;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * How sessions are created. The provider of a component is, in order: an explicit per-component
 * override, else {@code defaultProvider} if set, else the manifest's preference. A component that
 * resolves to CPU never touches the CUDA libraries (a failed CUDA attempt unpacks ~600 MB).
 *
 * @param defaultProvider null = follow the manifest
 * @param tensorrtCacheDir engine/timing cache for the TensorRT provider (engines take minutes to build)
 * @param intraOpThreads 0 = ONNX Runtime's default
 * @param simulateGpu benchmarks only, never set by {@code serve}: every component whose manifest
 *        provider is a GPU one (cuda, tensorrt) runs the cheap graph of its cost profile on the CPU
 *        and then waits for its modelled time, leaving the CPU free as a GPU stage would
 *        (docs/cost-model.md). Needs a cost-profile model set.
 * @param imageTokens the image-token counts the pipeline can give the transformers (from its canvas sizes),
 *        their TensorRT optimisation profile with the text lengths ({@link TensorRtProfiles}); null = no
 *        explicit profile (TensorRT then builds for the shapes it meets, and again for each new one)
 */
public record RuntimeConfig(
        Provider defaultProvider,
        Map<Component, Provider> overrides,
        int deviceId,
        Path tensorrtCacheDir,
        int intraOpThreads,
        boolean verifyChecksums,
        boolean simulateGpu,
        TokenRange imageTokens) {

    public RuntimeConfig {
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
    }

    /** Without GPU simulation: what the worker and every command but benchmarks use. */
    public RuntimeConfig(Provider defaultProvider, Map<Component, Provider> overrides, int deviceId,
            Path tensorrtCacheDir, int intraOpThreads, boolean verifyChecksums) {
        this(defaultProvider, overrides, deviceId, tensorrtCacheDir, intraOpThreads, verifyChecksums, false, null);
    }

    public static RuntimeConfig cpu() {
        return new RuntimeConfig(Provider.CPU, Map.of(), 0, null, 0, true);
    }

    public static RuntimeConfig followManifest() {
        return new RuntimeConfig(null, Map.of(), 0, null, 0, true);
    }

    public RuntimeConfig withOverride(Component component, Provider provider) {
        Map<Component, Provider> m = new EnumMap<>(Component.class);
        m.putAll(overrides);
        m.put(component, provider);
        return new RuntimeConfig(defaultProvider, m, deviceId, tensorrtCacheDir, intraOpThreads, verifyChecksums,
                simulateGpu, imageTokens);
    }

    public RuntimeConfig withVerifyChecksums(boolean verify) {
        return new RuntimeConfig(defaultProvider, overrides, deviceId, tensorrtCacheDir, intraOpThreads, verify,
                simulateGpu, imageTokens);
    }

    /** See {@code simulateGpu}; for benchmarks only. */
    public RuntimeConfig withSimulatedGpu(boolean simulate) {
        return new RuntimeConfig(defaultProvider, overrides, deviceId, tensorrtCacheDir, intraOpThreads,
                verifyChecksums, simulate, imageTokens);
    }

    /** See {@code imageTokens}: what the transformers' TensorRT profile covers. */
    public RuntimeConfig withImageTokens(TokenRange tokens) {
        return new RuntimeConfig(defaultProvider, overrides, deviceId, tensorrtCacheDir, intraOpThreads,
                verifyChecksums, simulateGpu, tokens);
    }

    Provider providerFor(Component component, String manifestPreference) {
        Provider p = overrides.get(component);
        if (p != null) {
            return p;
        }
        if (defaultProvider != null) {
            return defaultProvider;
        }
        return manifestPreference == null ? Provider.CPU : Provider.parse(manifestPreference);
    }
}
