package dev.stylize.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a model directory: contract names, files, checksums, fall-back of providers. */
class ModelSetTest {
    @TempDir
    Path tmp;

    /** A copy of the generated full set with the hand-written contract fixture as its manifest. */
    private Path fixtureDir(String manifestText) throws IOException {
        Path dir = tmp.resolve("fixture");
        copyTree(TestModels.full(), dir);
        Files.writeString(dir.resolve("manifest.json"), manifestText);
        return dir;
    }

    private static String fixture() throws IOException {
        try (InputStream in = ModelSetTest.class.getResourceAsStream("/contract/manifest.json")) {
            return new String(in.readAllBytes());
        }
    }

    private static ModelSet load(Path dir, boolean verify) {
        return ModelSet.load(dir, RuntimeConfig.cpu().withVerifyChecksums(verify), null);
    }

    @Test
    void handWrittenSpecContractLoads() throws IOException {
        try (ModelSet set = load(fixtureDir(fixture()), false)) {
            for (Component c : Component.values()) {
                assertTrue(set.has(c), c.key());
            }
            assertEquals(TensorDtype.INT32, set.session(Component.T5).inputDtype("input_ids"));
            assertEquals(TensorDtype.FLOAT32, set.session(Component.FILL_TRANSFORMER).inputDtype("img_ids"));
        }
    }

    @Test
    void wrongTensorNameIsNamedInTheError() throws IOException {
        String bad = fixture().replace("\"encoder_hidden_states\": \"encoder_hidden_states\"",
                "\"encoder_hidden_states\": \"text_states\"");
        StylizeException e = assertThrows(StylizeException.class, () -> load(fixtureDir(bad), false));
        assertEquals(ErrorCode.MODEL_IO_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("fill_transformer") && e.getMessage().contains("text_states"), e.getMessage());
    }

    @Test
    void graphWithTheWrongChannelCountIsRejected() throws IOException {
        // The dev graph (64 channels) where the Fill graph (384) belongs.
        String bad = fixture().replace("\"file\": \"fill_transformer/model.onnx\"", "\"file\": \"dev_transformer/model.onnx\"");
        StylizeException e = assertThrows(StylizeException.class, () -> load(fixtureDir(bad), false));
        assertEquals(ErrorCode.MODEL_IO_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("hidden_states") && e.getMessage().contains("384"), e.getMessage());
    }

    @Test
    void unmappedGraphInputIsRejected() throws IOException {
        String bad = fixture();
        // Remove the guidance mapping of the Fill transformer only.
        int fill = bad.indexOf("\"fill_transformer\"");
        int g = bad.indexOf(", \"guidance\": \"guidance\"", fill);
        bad = bad.substring(0, g) + bad.substring(g + ", \"guidance\": \"guidance\"".length());
        String text = bad;
        StylizeException e = assertThrows(StylizeException.class, () -> load(fixtureDir(text), false));
        assertEquals(ErrorCode.MODEL_IO_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("guidance"), e.getMessage());
    }

    /** The VAE encoder's logvar is optional: absent from the manifest it is not required, mapped it is checked. */
    @Test
    void optionalLogvarOutputIsCheckedOnlyWhenMapped() throws IOException {
        String unmapped = fixture();
        try (ModelSet set = load(fixtureDir(unmapped), false)) {
            assertFalse(set.session(Component.VAE_ENCODER).hasOutput(Component.VaeEncoderRoles.LOGVAR));
        }
        String mapped = unmapped.replace("\"outputs\": { \"latent\": \"latent\" } },\n    \"vae_decoder\"",
                "\"outputs\": { \"latent\": \"latent\", \"logvar\": \"logvar\" } },\n    \"vae_decoder\"");
        assertNotEquals(unmapped, mapped);
        try (ModelSet set = load(fixtureDir(mapped), false)) {
            assertTrue(set.session(Component.VAE_ENCODER).hasOutput(Component.VaeEncoderRoles.LOGVAR));
        }
        String wrong = mapped.replace("\"logvar\": \"logvar\"", "\"logvar\": \"log_variance\"");
        StylizeException e = assertThrows(StylizeException.class, () -> load(fixtureDir(wrong), false));
        assertEquals(ErrorCode.MODEL_IO_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("vae_encoder") && e.getMessage().contains("log_variance"), e.getMessage());
    }

    @Test
    void missingRequiredComponent() throws IOException {
        String bad = fixture().replaceAll("(?s)\"siglip\": \\{.*?\\} \\},", "");
        StylizeException e = assertThrows(StylizeException.class, () -> load(fixtureDir(bad), false));
        assertEquals(ErrorCode.MODEL_COMPONENT_MISSING, e.code());
        assertTrue(e.getMessage().contains("siglip"), e.getMessage());
    }

    @Test
    void missingFileAndMissingManifest() throws IOException {
        Path dir = fixtureDir(fixture());
        Files.delete(dir.resolve("redux/model.onnx"));
        assertEquals(ErrorCode.MODEL_COMPONENT_MISSING, assertThrows(StylizeException.class, () -> load(dir, false)).code());
        assertEquals(ErrorCode.MODEL_NOT_FOUND,
                assertThrows(StylizeException.class, () -> load(tmp.resolve("nowhere"), true)).code());
    }

    @Test
    void checksumMismatchIsDetected() throws IOException {
        Path dir = tmp.resolve("copy");
        copyTree(TestModels.full(), dir);
        try (ModelSet ok = load(dir, true)) {
            assertTrue(ok.has(Component.SIGLIP));
        }
        Path graph = dir.resolve("vae_decoder/model.onnx");
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length - 1] ^= 1;
        Files.write(graph, bytes);
        StylizeException e = assertThrows(StylizeException.class, () -> load(dir, true));
        assertEquals(ErrorCode.MODEL_CHECKSUM_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("vae_decoder"), e.getMessage());
    }

    @Test
    void gpuProviderFallsBackToCpuWhenUnavailable() throws IOException {
        // Only meaningful without CUDA (this machine and CI); on a GPU host the provider just loads.
        RuntimeConfig cfg = RuntimeConfig.cpu().withOverride(Component.VAE_DECODER, Provider.CUDA).withVerifyChecksums(false);
        try (ModelSet set = ModelSet.load(fixtureDir(fixture()), cfg, null)) {
            Provider p = set.session(Component.VAE_DECODER).provider();
            assertTrue(p == Provider.CPU || p == Provider.CUDA);
            assertEquals(Provider.CPU, set.session(Component.VAE_ENCODER).provider());
        }
    }

    /** A model directory copied file by file, to be altered by a test. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
