package dev.stylize.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.TestModels;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transformers' TensorRT profile strings, exactly as ONNX Runtime's provider options take them. */
class TensorRtProfilesTest {
    /** Canvas sizes 1536x1024 (first: the optimum), 1024x1024, 2048x1024: 6144, 4096, 8192 tokens. */
    static final TokenRange SNAPPED = new TokenRange(4096, 6144, 8192);

    static Map<String, long[]> declared(Component c) throws IOException {
        ModelDirectory dir = ModelDirectory.open(TestModels.full(), false);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        GraphBoundary.read(dir.path(dir.spec(c).file())).inputs().forEach((name, t) -> shapes.put(name, t.shape()));
        return shapes;
    }

    static Map<String, String> roles(Component c) throws IOException {
        return ModelDirectory.open(TestModels.full(), false).spec(c).inputs();
    }

    @Test
    void textRowsAreT5PlusZeroToFourReferences() {
        assertEquals(new TokenRange(512, 512 + 729, 512 + 4 * 729), TensorRtProfiles.textTokens(ModelManifest.FLUX1));
    }

    @Test
    void bundledFillTransformer() throws IOException {
        // The analytic graph declares batch, image and text axes dynamic, as the export does.
        TensorRtProfiles p = TensorRtProfiles.of(Component.FILL_TRANSFORMER, ModelManifest.FLUX1,
                roles(Component.FILL_TRANSFORMER), declared(Component.FILL_TRANSFORMER), SNAPPED);
        assertEquals("hidden_states:1x4096x384,encoder_hidden_states:1x512x4096,pooled_projections:1x768,"
                + "timestep:1,img_ids:4096x3,txt_ids:512x3,guidance:1", p.minShapes());
        assertEquals("hidden_states:1x6144x384,encoder_hidden_states:1x1241x4096,pooled_projections:1x768,"
                + "timestep:1,img_ids:6144x3,txt_ids:1241x3,guidance:1", p.optShapes());
        assertEquals("hidden_states:1x8192x384,encoder_hidden_states:1x3428x4096,pooled_projections:1x768,"
                + "timestep:1,img_ids:8192x3,txt_ids:3428x3,guidance:1", p.maxShapes());
    }

    @Test
    void bundledDevTransformerWithoutCanvasSizes() throws IOException {
        // Canvases that follow the input: one 16x16 tile up to the 2048x1024 budget, tuned for the budget.
        TensorRtProfiles p = TensorRtProfiles.of(Component.DEV_TRANSFORMER, ModelManifest.FLUX1,
                roles(Component.DEV_TRANSFORMER), declared(Component.DEV_TRANSFORMER), new TokenRange(1, 8192, 8192));
        assertEquals("hidden_states:1x1x64,encoder_hidden_states:1x512x4096,pooled_projections:1x768,"
                + "timestep:1,img_ids:1x3,txt_ids:512x3,guidance:1", p.minShapes());
        assertEquals("hidden_states:1x8192x64,encoder_hidden_states:1x1241x4096,pooled_projections:1x768,"
                + "timestep:1,img_ids:8192x3,txt_ids:1241x3,guidance:1", p.optShapes());
        assertEquals("hidden_states:1x8192x64,encoder_hidden_states:1x3428x4096,pooled_projections:1x768,"
                + "timestep:1,img_ids:8192x3,txt_ids:3428x3,guidance:1", p.maxShapes());
    }

    /**
     * The export self-test's constants (T5 16 rows of 32, SigLIP 32 px / 8 = 16 tokens, 4 latent channels:
     * Fill width 2·16 + 256), graph names other than the roles, a static batch, a static input and a
     * contract-fixed axis declared dynamic.
     */
    @Test
    void otherTextLengthNamesAndStaticAxes() {
        ModelManifest.Constants tiny = new ModelManifest.Constants(4, 0.3611, 0.1159, 8, 16, 32, 16, 8, 32, 8, 24);
        Map<String, String> roles = new LinkedHashMap<>();
        roles.put("hidden_states", "x");
        roles.put("encoder_hidden_states", "ctx");
        roles.put("pooled_projections", "y");
        roles.put("timestep", "t");
        roles.put("img_ids", "img_ids");
        roles.put("txt_ids", "txt_ids");
        roles.put("guidance", "g");
        Map<String, long[]> declared = new LinkedHashMap<>();
        declared.put("x", new long[] {1, -1, 288});
        declared.put("ctx", new long[] {1, -1, 32});
        declared.put("y", new long[] {1, -1}); // the pooled width left symbolic: the contract's 16
        declared.put("t", new long[] {1}); // static: no profile entry
        declared.put("img_ids", new long[] {-1, 3});
        declared.put("txt_ids", new long[] {-1, 3});
        declared.put("g", new long[] {1});
        TensorRtProfiles p = TensorRtProfiles.of(Component.FILL_TRANSFORMER, tiny, roles, declared,
                new TokenRange(4, 4, 16));
        assertEquals("x:1x4x288,ctx:1x16x32,y:1x16,img_ids:4x3,txt_ids:16x3", p.minShapes());
        assertEquals("x:1x4x288,ctx:1x32x32,y:1x16,img_ids:4x3,txt_ids:32x3", p.optShapes());
        assertEquals("x:1x16x288,ctx:1x80x32,y:1x16,img_ids:16x3,txt_ids:80x3", p.maxShapes());
    }

    @Test
    void staticGraphNeedsNoProfile() {
        Map<String, String> roles = new LinkedHashMap<>();
        Map<String, long[]> declared = new LinkedHashMap<>();
        for (String role : Component.FILL_TRANSFORMER.inputRoles()) {
            roles.put(role, role);
            declared.put(role, new long[] {1, 3});
        }
        assertNull(TensorRtProfiles.of(Component.FILL_TRANSFORMER, ModelManifest.FLUX1, roles, declared, SNAPPED));
    }

    @Test
    void mismatchesAreModelErrors() throws IOException {
        Map<String, long[]> declared = declared(Component.FILL_TRANSFORMER);
        declared.put("img_ids", new long[] {1, -1, 3}); // an older export's (B, N, 3)
        StylizeException e = assertThrows(StylizeException.class, () -> TensorRtProfiles.of(
                Component.FILL_TRANSFORMER, ModelManifest.FLUX1, roles(Component.FILL_TRANSFORMER), declared, SNAPPED));
        assertEquals(ErrorCode.MODEL_IO_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("'img_ids' has rank 3"), e.getMessage());

        Map<String, long[]> missing = declared(Component.FILL_TRANSFORMER);
        missing.remove("guidance");
        e = assertThrows(StylizeException.class, () -> TensorRtProfiles.of(Component.FILL_TRANSFORMER,
                ModelManifest.FLUX1, roles(Component.FILL_TRANSFORMER), missing, SNAPPED));
        assertTrue(e.getMessage().contains("'guidance' -> 'guidance' is not among the graph's inputs"), e.getMessage());
    }
}
