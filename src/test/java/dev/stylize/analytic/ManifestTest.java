package dev.stylize.analytic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    /** Rank of every contract tensor (docs/pipeline.md#onnx-tensor-contract). */
    static final Map<String, Integer> RANKS = Map.ofEntries(
            Map.entry("pixel_values", 4), Map.entry("last_hidden_state", 3),
            Map.entry("siglip_embeds", 3), Map.entry("image_embeds", 3),
            Map.entry("input_ids", 2), Map.entry("text_embeddings", 3), Map.entry("pooled_embeddings", 2),
            Map.entry("images", 4), Map.entry("latent", -1), // 4 for the VAE, 3 for transformers
            Map.entry("logvar", 4),
            Map.entry("hidden_states", 3), Map.entry("encoder_hidden_states", 3),
            Map.entry("pooled_projections", 2), Map.entry("timestep", 1), Map.entry("img_ids", 2),
            Map.entry("txt_ids", 2), Map.entry("guidance", 1));

    @TempDir
    static Path dir;
    static ModelManifest written;

    @BeforeAll
    static void writeModels() throws Exception {
        written = AnalyticModels.write(dir.resolve("new/sub"), AnalyticModels.Options.defaults());
        dir = dir.resolve("new/sub");
    }

    @Test
    void manifestJsonRoundTripsAndCarriesTheFlux1Constants() throws Exception {
        String json = Files.readString(dir.resolve("manifest.json"));
        assertTrue(json.contains("\n  \""), "pretty-printed");
        ModelManifest read = new ObjectMapper().readValue(json, ModelManifest.class);
        assertEquals(written, read);
        assertEquals(ModelManifest.VERSION, read.manifestVersion());
        assertEquals("analytic-f32", read.id());
        assertEquals(ModelManifest.FLUX1, read.constants());
        assertEquals(Arrays.stream(Component.values()).map(Component::key).collect(Collectors.toSet()),
                read.components().keySet());
    }

    @Test
    void everyFileIsRelativeAndMatchesItsSha256() throws Exception {
        for (Map.Entry<String, ModelManifest.ComponentSpec> e : written.components().entrySet()) {
            ModelManifest.ComponentSpec spec = e.getValue();
            assertEquals("cpu", spec.provider());
            assertNull(spec.dataFiles());
            assertSha(spec.file(), spec.sha256());
            boolean text = e.getKey().equals("t5") || e.getKey().equals("clip");
            assertEquals(text, spec.tokenizer() != null, e.getKey());
            if (text) {
                assertEquals(e.getKey() + "/tokenizer.json", spec.tokenizer());
                assertSha(spec.tokenizer(), spec.tokenizerSha256());
            }
        }
    }

    private static void assertSha(String relative, String sha) throws Exception {
        assertFalse(Path.of(relative).isAbsolute() || relative.contains(".."), relative);
        byte[] bytes = Files.readAllBytes(dir.resolve(relative));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), sha, relative);
        assertTrue(sha.matches("[0-9a-f]{64}"));
    }

    @Test
    void everyContractRoleIsDeclaredWithItsRank() throws Exception {
        for (Component c : Component.values()) {
            ModelManifest.ComponentSpec spec = written.components().get(c.key());
            try (OrtGraph g = new OrtGraph(dir.resolve(spec.file()))) {
                assertEquals(Set.copyOf(c.inputRoles()), spec.inputs().keySet(), c.key());
                assertEquals(spec.inputs().keySet(), g.inputInfo().keySet(), c.key() + " inputs");
                assertTrue(spec.outputs().keySet().containsAll(c.outputRoles()), c.key());
                assertEquals(spec.outputs().keySet(), g.outputInfo().keySet(), c.key());
                for (String role : spec.inputs().keySet()) {
                    assertRank(c, role, (TensorInfo) g.inputInfo().get(spec.inputs().get(role)).getInfo());
                }
                for (String role : spec.outputs().keySet()) {
                    assertRank(c, role, (TensorInfo) g.outputInfo().get(spec.outputs().get(role)).getInfo());
                }
            }
        }
    }

    private static void assertRank(Component c, String role, TensorInfo info) {
        int expected = RANKS.get(role);
        if (expected < 0) {
            expected = c == Component.VAE_ENCODER || c == Component.VAE_DECODER ? 4 : 3;
        }
        assertEquals(expected, info.getShape().length, c.key() + " " + role);
    }

    @Test
    void graphsAreOpset17IrVersion8WithNamedSymbolicDims() throws Exception {
        for (ModelManifest.ComponentSpec spec : written.components().values()) {
            OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(dir.resolve(spec.file())));
            assertEquals(8, model.getIrVersion());
            assertEquals(17, model.getOpsetImport(0).getVersion());
        }
        OnnxMl.ModelProto fill = OnnxMl.ModelProto.parseFrom(
                Files.readAllBytes(dir.resolve(written.components().get("fill_transformer").file())));
        OnnxMl.ValueInfoProto hidden = fill.getGraph().getInput(0);
        assertEquals("hidden_states", hidden.getName());
        List<String> dims = hidden.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue())).toList();
        assertEquals(List.of("batch", "latent_dim", "384"), dims);
    }

    @Test
    void optionalComponentsCanBeLeftOut(@TempDir Path other) throws Exception {
        ModelManifest m = AnalyticModels.write(other,
                AnalyticModels.Options.defaults().withTextEncoders(false).withDevTransformer(false).withId("x"));
        Set<String> required = Arrays.stream(Component.values()).filter(Component::required)
                .map(Component::key).collect(Collectors.toSet());
        assertEquals(required, m.components().keySet());
        assertFalse(Files.exists(other.resolve("t5")));
        assertNotNull(new ObjectMapper().readValue(other.resolve("manifest.json").toFile(), ModelManifest.class));
    }
}
