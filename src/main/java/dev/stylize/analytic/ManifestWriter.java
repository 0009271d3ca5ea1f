package dev.stylize.analytic;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes graph and tokenizer files under {@code <dir>/<component key>/} and collects their
 * manifest entries (relative paths, sha256 of the bytes written, role → graph name maps; the graphs
 * use the canonical role names, so each map is the identity).
 *
 * <p>With production costs, {@code model.onnx} is the burned graph ({@link CostGraphs}), the graph
 * as given goes to {@code model.cheap.onnx}, and the entry carries the production provider and the
 * modelled cost ({@link CostModel}); otherwise every provider is {@code cpu}.
 */
final class ManifestWriter {

    static final String MANIFEST_FILE = "manifest.json";
    static final String GRAPH_FILE = "model.onnx";
    static final String CHEAP_GRAPH_FILE = "model.cheap.onnx";
    static final String TOKENIZER_FILE = "tokenizer.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final boolean productionCosts;
    private final Map<String, ModelManifest.ComponentSpec> components = new LinkedHashMap<>();

    ManifestWriter(Path dir, boolean productionCosts) {
        this.dir = dir;
        this.productionCosts = productionCosts;
    }

    void graph(Component component, OnnxMl.ModelProto model) throws IOException {
        graph(component, model, null);
    }

    void graph(Component component, OnnxMl.ModelProto model, byte[] tokenizerJson) throws IOException {
        String provider = "cpu";
        ModelManifest.Cost cost = null;
        OnnxMl.ModelProto graph = model;
        if (productionCosts) {
            CostModel.Stage stage = CostModel.stage(component);
            String cheapFile = component.key() + "/" + CHEAP_GRAPH_FILE;
            cost = stage.cost(cheapFile, writeFile(cheapFile, model.toByteArray()));
            graph = CostGraphs.burned(model, cost, CostGraphs.burn(cost, stage.referenceUnits()));
            provider = stage.device().provider;
        }
        String graphFile = component.key() + "/" + GRAPH_FILE;
        String graphSha = writeFile(graphFile, graph.toByteArray());
        String tokenizerFile = null;
        String tokenizerSha = null;
        if (tokenizerJson != null) {
            tokenizerFile = component.key() + "/" + TOKENIZER_FILE;
            tokenizerSha = writeFile(tokenizerFile, tokenizerJson);
        }
        components.put(component.key(), new ModelManifest.ComponentSpec(graphFile, graphSha, null, provider,
                identity(model.getGraph().getInputList()), identity(model.getGraph().getOutputList()),
                tokenizerFile, tokenizerSha, cost));
    }

    ModelManifest write(String id, String description) throws IOException {
        ModelManifest manifest = new ModelManifest(ModelManifest.VERSION, id, description,
                ModelManifest.FLUX1, components);
        Files.write(dir.resolve(MANIFEST_FILE), JSON.writeValueAsBytes(manifest));
        return manifest;
    }

    private static Map<String, String> identity(Iterable<OnnxMl.ValueInfoProto> values) {
        Map<String, String> roles = new LinkedHashMap<>();
        values.forEach(v -> roles.put(v.getName(), v.getName()));
        return roles;
    }

    private String writeFile(String relative, byte[] bytes) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return sha256(bytes);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present in the JDK", e);
        }
    }
}
