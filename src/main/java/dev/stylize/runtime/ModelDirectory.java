package dev.stylize.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model directory: {@code manifest.json} plus the files it names. Opening checks that every
 * required component is present and, when asked, that every file matches its sha256.
 */
public final class ModelDirectory {
    public static final String MANIFEST = "manifest.json";
    static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final ModelManifest manifest;
    private final String manifestSha256;

    private ModelDirectory(Path root, ModelManifest manifest, String manifestSha256) {
        this.root = root;
        this.manifest = manifest;
        this.manifestSha256 = manifestSha256;
    }

    public static ModelDirectory open(Path root, boolean verifyChecksums) {
        Path file = root.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new StylizeException(ErrorCode.MODEL_NOT_FOUND, "no " + MANIFEST + " in model directory " + root);
        }
        ModelManifest manifest;
        String sha;
        try {
            byte[] bytes = Files.readAllBytes(file);
            sha = Sha256.of(bytes);
            manifest = JSON.readValue(bytes, ModelManifest.class);
        } catch (IOException e) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (manifest.manifestVersion() != ModelManifest.VERSION) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, file + ": manifestVersion "
                    + manifest.manifestVersion() + " is not supported (expected " + ModelManifest.VERSION + ")");
        }
        if (manifest.constants() == null || manifest.components() == null) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, file + ": 'constants' and 'components' are required");
        }
        ModelDirectory dir = new ModelDirectory(root, manifest, sha);
        dir.checkComponents(verifyChecksums);
        return dir;
    }

    public static void write(Path root, ModelManifest manifest) throws IOException {
        Files.createDirectories(root);
        JSON.writeValue(root.resolve(MANIFEST).toFile(), manifest);
    }

    private void checkComponents(boolean verify) {
        for (String key : manifest.components().keySet()) {
            try {
                Component.fromKey(key);
            } catch (IllegalArgumentException e) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, MANIFEST + ": " + e.getMessage());
            }
        }
        for (Component c : Component.values()) {
            ModelManifest.ComponentSpec spec = manifest.components().get(c.key());
            if (spec == null) {
                if (c.required()) {
                    throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING,
                            "model directory " + root + " has no '" + c.key() + "' component");
                }
                continue;
            }
            for (Map.Entry<String, String> f : files(spec)) {
                checkFile(c, f.getKey(), f.getValue(), verify);
            }
        }
    }

    private static List<Map.Entry<String, String>> files(ModelManifest.ComponentSpec spec) {
        List<Map.Entry<String, String>> files = new ArrayList<>();
        files.add(Map.entry(spec.file(), nullToEmpty(spec.sha256())));
        if (spec.dataFiles() != null) {
            spec.dataFiles().forEach(d -> files.add(Map.entry(d.file(), nullToEmpty(d.sha256()))));
        }
        if (spec.tokenizer() != null) {
            files.add(Map.entry(spec.tokenizer(), nullToEmpty(spec.tokenizerSha256())));
        }
        return files;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private void checkFile(Component c, String name, String expectedSha, boolean verify) {
        if (name == null) {
            throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING, c.key() + ": no file named in the manifest");
        }
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root.normalize())) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, c.key() + ": file '" + name + "' escapes the model directory");
        }
        if (!Files.isRegularFile(p)) {
            throw new StylizeException(ErrorCode.MODEL_COMPONENT_MISSING, c.key() + ": file " + p + " is missing");
        }
        if (!verify) {
            return;
        }
        if (expectedSha.isEmpty()) {
            throw new StylizeException(ErrorCode.MODEL_CHECKSUM_MISMATCH, c.key() + ": no sha256 for " + name);
        }
        try {
            String actual = Sha256.of(p);
            if (!actual.equalsIgnoreCase(expectedSha)) {
                throw new StylizeException(ErrorCode.MODEL_CHECKSUM_MISMATCH, c.key() + ": " + name
                        + " has sha256 " + actual + ", manifest says " + expectedSha);
            }
        } catch (IOException e) {
            throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, "cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public String manifestSha256() {
        return manifestSha256;
    }

    public boolean has(Component c) {
        return manifest.components().containsKey(c.key());
    }

    public ModelManifest.ComponentSpec spec(Component c) {
        return manifest.components().get(c.key());
    }

    public Path path(String relative) {
        return root.resolve(relative);
    }
}
