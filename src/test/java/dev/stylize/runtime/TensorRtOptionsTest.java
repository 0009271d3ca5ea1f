package dev.stylize.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OrtException;
import dev.stylize.pipeline.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ModelSet hands the TensorRT provider per component (no TensorRT here: only the options are checked),
 * and the graph declarations they are read from.
 */
class TensorRtOptionsTest {
    @TempDir
    Path tmp;

    static Map<String, String> options(Path models, Component c, RuntimeConfig config) throws OrtException {
        ModelDirectory dir = ModelDirectory.open(models, false);
        return ModelSet.tensorRtOptions(c, dir.spec(c), dir, dir.path(dir.spec(c).file()), config);
    }

    RuntimeConfig tensorrt() {
        return new RuntimeConfig(Provider.TENSORRT, null, 0, tmp.resolve("trt"), 0, false)
                .withImageTokens(TensorRtProfilesTest.SNAPPED);
    }

    @Test
    void fillTransformerGetsCachesAndItsProfile() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("trt_engine_cache_enable", "1");
        expected.put("trt_engine_cache_path", tmp.resolve("trt").toString());
        expected.put("trt_timing_cache_enable", "1");
        expected.put("trt_timing_cache_path", tmp.resolve("trt").toString());
        expected.put("trt_profile_min_shapes", "hidden_states:1x4096x384,encoder_hidden_states:1x512x4096,"
                + "pooled_projections:1x768,timestep:1,img_ids:4096x3,txt_ids:512x3,guidance:1");
        expected.put("trt_profile_opt_shapes", "hidden_states:1x6144x384,encoder_hidden_states:1x1241x4096,"
                + "pooled_projections:1x768,timestep:1,img_ids:6144x3,txt_ids:1241x3,guidance:1");
        expected.put("trt_profile_max_shapes", "hidden_states:1x8192x384,encoder_hidden_states:1x3428x4096,"
                + "pooled_projections:1x768,timestep:1,img_ids:8192x3,txt_ids:3428x3,guidance:1");
        assertEquals(expected, options(TestModels.full(), Component.FILL_TRANSFORMER, tensorrt()));
        assertTrue(Files.isDirectory(tmp.resolve("trt")), "the cache directory is created");
    }

    @Test
    void onlyTheTransformersGetProfiles() throws Exception {
        for (Component c : List.of(Component.VAE_DECODER, Component.VAE_ENCODER, Component.SIGLIP, Component.T5)) {
            assertEquals(List.of("trt_engine_cache_enable", "trt_engine_cache_path", "trt_timing_cache_enable",
                    "trt_timing_cache_path"), List.copyOf(options(TestModels.full(), c, tensorrt()).keySet()), c.key());
        }
        // No token range given (e.g. `models check`): TensorRT picks its profiles from the shapes it meets.
        RuntimeConfig noRange = new RuntimeConfig(Provider.TENSORRT, null, 0, null, 0, false);
        assertEquals(Map.of(), options(TestModels.full(), Component.FILL_TRANSFORMER, noRange));
    }

    @Test
    void reducedPrecisionFollowsTheGraph() throws Exception {
        Map<String, String> f16 = options(TestModels.float16(), Component.FILL_TRANSFORMER, tensorrt());
        assertEquals("1", f16.get("trt_fp16_enable"));
        assertTrue(f16.containsKey("trt_profile_opt_shapes"));
        assertEquals(null, options(TestModels.full(), Component.FILL_TRANSFORMER, tensorrt()).get("trt_fp16_enable"));

        // A bf16 graph (as `export_flux.py --precision bf16` writes); only its declarations are read here.
        Path bf16 = tmp.resolve("bf16.onnx");
        Files.write(bf16, identityGraph(DataType.BFLOAT16_VALUE).toByteArray());
        Map<String, String> o = TensorRtOptions.of(Component.VAE_DECODER, ModelManifest.FLUX1, null,
                GraphBoundary.read(bf16), new RuntimeConfig(Provider.TENSORRT, null, 0, null, 0, false));
        assertEquals(Map.of("trt_bf16_enable", "1"), o);
    }

    @Test
    void boundaryIsReadWithoutLoadingTheGraph() throws IOException {
        ModelDirectory dir = ModelDirectory.open(TestModels.full(), false);
        GraphBoundary g = GraphBoundary.read(dir.path(dir.spec(Component.FILL_TRANSFORMER).file()));
        assertEquals(List.of("hidden_states", "encoder_hidden_states", "pooled_projections", "timestep", "img_ids",
                "txt_ids", "guidance"), List.copyOf(g.inputs().keySet()));
        assertArrayEquals(new long[] {-1, -1, 384}, g.inputs().get("hidden_states").shape());
        assertArrayEquals(new long[] {-1, 3}, g.inputs().get("txt_ids").shape());
        assertEquals(DataType.FLOAT_VALUE, g.inputs().get("hidden_states").elemType());
        assertEquals(List.of("latent"), List.copyOf(g.outputs().keySet()));
        assertArrayEquals(new long[] {-1, -1, 64}, g.outputs().get("latent").shape());
    }

    /** latent (1, 16, h, w) → images, Identity, in {@code elemType}. */
    static OnnxMl.ModelProto identityGraph(int elemType) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(16))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("h"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("w")).build();
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(elemType).setShape(shape)).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("identity")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("latent").setType(type))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("images").setType(type))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("latent").addOutput("images"))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build();
    }
}
