package dev.stylize.runtime;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ONNX Runtime TensorRT provider options of one component (README "TensorRT"; none of it has run on
 * a GPU here): engine and timing caches in {@link RuntimeConfig#tensorrtCacheDir()}, the reduced precision
 * the export chose, and for the transformers the explicit optimisation profile of {@link TensorRtProfiles}.
 */
final class TensorRtOptions {
    private TensorRtOptions() {}

    static Map<String, String> of(Component component, ModelManifest.Constants constants,
            ModelManifest.ComponentSpec spec, GraphBoundary graph, RuntimeConfig config) {
        Map<String, String> options = new LinkedHashMap<>();
        if (config.tensorrtCacheDir() != null) {
            String dir = config.tensorrtCacheDir().toString();
            options.put("trt_engine_cache_enable", "1");
            options.put("trt_engine_cache_path", dir);
            options.put("trt_timing_cache_enable", "1");
            // Without a path the timing cache goes to the working directory (read-only in the pod).
            options.put("trt_timing_cache_path", dir);
        }
        // TensorRT 10 builds a weakly typed network: without the flag, a bf16 or fp16 graph's layers (and
        // weights) would be built in fp32, twice the memory the export was made for.
        if (declares(graph, DataType.BFLOAT16_VALUE)) {
            options.put("trt_bf16_enable", "1");
        } else if (declares(graph, DataType.FLOAT16_VALUE)) {
            options.put("trt_fp16_enable", "1");
        }
        boolean transformer = component == Component.FILL_TRANSFORMER || component == Component.DEV_TRANSFORMER;
        if (transformer && config.imageTokens() != null) {
            Map<String, long[]> declared = new LinkedHashMap<>();
            graph.inputs().forEach((name, t) -> declared.put(name, t.shape()));
            TensorRtProfiles p = TensorRtProfiles.of(component, constants, spec.inputs(), declared,
                    config.imageTokens());
            if (p != null) {
                options.put("trt_profile_min_shapes", p.minShapes());
                options.put("trt_profile_opt_shapes", p.optShapes());
                options.put("trt_profile_max_shapes", p.maxShapes());
            }
        }
        return options;
    }

    private static boolean declares(GraphBoundary graph, int elemType) {
        return graph.inputs().values().stream().anyMatch(t -> t.elemType() == elemType)
                || graph.outputs().values().stream().anyMatch(t -> t.elemType() == elemType);
    }
}
