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
 */
public record RuntimeConfig(
        Provider defaultProvider,
        Map<Component, Provider> overrides,
        int deviceId,
        Path tensorrtCacheDir,
        int intraOpThreads,
        boolean verifyChecksums) {

    public RuntimeConfig {
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
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
        return new RuntimeConfig(defaultProvider, m, deviceId, tensorrtCacheDir, intraOpThreads, verifyChecksums);
    }

    public RuntimeConfig withVerifyChecksums(boolean verify) {
        return new RuntimeConfig(defaultProvider, overrides, deviceId, tensorrtCacheDir, intraOpThreads, verify);
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
