package dev.stylize.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stylize.worker.WorkerConfig;
import io.smallrye.config.WithDefault;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** k8s/ rendered with {@code kubectl kustomize}, parsed; and the app's own settings to compare with. */
public final class Manifests {
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Every kustomization a user may apply. */
    public static final List<String> TARGETS = List.of("k8s/base", "k8s/overlays/dev", "k8s/overlays/prod");
    private static final Map<String, List<JsonNode>> CACHE = new ConcurrentHashMap<>();

    private Manifests() {}

    /** The rendered documents; fails (never skips) when kubectl is missing or kustomize fails. */
    public static List<JsonNode> render(String target) {
        return CACHE.computeIfAbsent(target, Manifests::renderNow);
    }

    private static List<JsonNode> renderNow(String target) {
        String kubectl = kubectl();
        try {
            Process p = new ProcessBuilder(kubectl, "kustomize", target).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + target + " failed: " + err);
            }
            List<JsonNode> docs = new ArrayList<>();
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out)) {
                while (it.hasNext()) {
                    JsonNode d = it.next();
                    if (d != null && !d.isEmpty()) {
                        docs.add(d);
                    }
                }
            }
            return docs;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + kubectl + " kustomize " + target + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** kubectl from $KUBECTL or the PATH: missing is a failure (.ci/run installs it). */
    public static String kubectl() {
        String explicit = System.getenv("KUBECTL");
        if (explicit != null && new File(explicit).canExecute()) {
            return explicit;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "kubectl");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new AssertionError("kubectl is not installed (needed to render k8s/ with kubectl kustomize): "
                + "install it (.ci/run does, with apt-get) or set KUBECTL");
    }

    public static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    public static JsonNode one(List<JsonNode> docs, String kind, String name) {
        List<JsonNode> found = ofKind(docs, kind).stream()
                .filter(d -> name.equals(d.path("metadata").path("name").asText())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    public static Optional<JsonNode> container(JsonNode workload, String name, boolean init) {
        for (JsonNode c : workload.path("spec").path("template").path("spec").path(init ? "initContainers" : "containers")) {
            if (name.equals(c.path("name").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** A container's environment as the app sees it: envFrom ConfigMaps, then env literals (secrets: null). */
    public static Map<String, String> environment(List<JsonNode> docs, JsonNode container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            if (from.has("configMapRef")) {
                JsonNode cm = one(docs, "ConfigMap", from.path("configMapRef").path("name").asText());
                cm.path("data").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            }
        }
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : null);
        }
        return env;
    }

    // ---- the application's settings --------------------------------------------------------------

    public static Properties appProperties() {
        Properties p = new Properties();
        try (InputStream in = Manifests.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{([A-Z0-9_]+):([^}]*)}");

    /** {@code ${ENV:default}} of an application property: the env variable and its default. */
    public static Map.Entry<String, String> envWithDefault(String property) {
        String v = appProperties().getProperty(property);
        if (v == null) {
            throw new AssertionError("application.properties has no " + property);
        }
        Matcher m = ENV_DEFAULT.matcher(v.trim());
        if (!m.matches()) {
            throw new AssertionError(property + " = " + v + " is not ${ENV:default}");
        }
        return Map.entry(m.group(1), m.group(2));
    }

    /**
     * The value the app gets for {@code property} with this environment: a {@code ${ENV:default}} of
     * application.properties, or else a {@code stylize.*} setting of {@link WorkerConfig}, which the
     * environment variable SmallRye maps to it ({@code stylize.max-job-ms} ← {@code STYLIZE_MAX_JOB_MS})
     * overrides.
     */
    public static String resolve(String property, Map<String, String> env) {
        if (appProperties().getProperty(property) == null && property.startsWith("stylize.")) {
            String v = env.get(property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
            return v != null ? v : workerConfigDefault(property);
        }
        Map.Entry<String, String> e = envWithDefault(property);
        String v = env.get(e.getKey());
        return v != null ? v : e.getValue();
    }

    /** The {@code @WithDefault} of a top-level {@code stylize.*} setting. */
    static String workerConfigDefault(String property) {
        String[] words = property.substring("stylize.".length()).split("-");
        StringBuilder method = new StringBuilder(words[0]);
        for (int k = 1; k < words.length; k++) {
            method.append(Character.toUpperCase(words[k].charAt(0))).append(words[k].substring(1));
        }
        try {
            WithDefault d = WorkerConfig.class.getMethod(method.toString()).getAnnotation(WithDefault.class);
            if (d == null) {
                throw new AssertionError(property + " has no default in WorkerConfig");
            }
            return d.value();
        } catch (NoSuchMethodException e) {
            throw new AssertionError("neither application.properties nor WorkerConfig has " + property);
        }
    }

    /** The worker container of the stylize-worker Deployment. */
    public static JsonNode worker(List<JsonNode> docs) {
        return container(one(docs, "Deployment", "stylize-worker"), "worker", false)
                .orElseThrow(() -> new AssertionError("no worker container"));
    }

    public static Path root() {
        return Path.of("").toAbsolutePath();
    }
}
