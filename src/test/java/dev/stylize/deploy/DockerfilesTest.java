package dev.stylize.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Static checks of the image definitions (no Docker here to build them): non-root user, the entry point
 * the Deployment runs, natives unpacked where the JVM is told to load them, pinned bases.
 */
class DockerfilesTest {
    record Instruction(String keyword, String args) {}

    static List<Instruction> parse(Path file) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (cur.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.startsWith("#")) {
                continue; // comment inside a continued instruction
            }
            if (t.endsWith("\\")) {
                cur.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            cur.append(t);
            String s = cur.toString().strip();
            int sp = s.indexOf(' ');
            out.add(new Instruction(s.substring(0, sp).toUpperCase(), s.substring(sp + 1).strip()));
            cur.setLength(0);
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"Dockerfile.gpu, k8s/overlays/prod", "Dockerfile.cpu, k8s/overlays/dev"})
    void imageRunsAsNonRootWithTheDeploymentsEntryPoint(String name, String overlay) throws IOException {
        List<Instruction> ins = parse(Path.of("src/main/docker", name));
        // The final stage: everything after the last FROM.
        int lastFrom = 0;
        java.util.Set<String> stages = new java.util.HashSet<>();
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i).keyword().equals("FROM")) {
                lastFrom = i;
                String[] words = ins.get(i).args().split("\\s+");
                if (!stages.contains(words[0])) { // an image, not an earlier stage
                    assertFalse(words[0].endsWith(":latest") || !words[0].contains(":"), name + ": pinned base " + words[0]);
                }
                if (words.length == 3 && words[1].equalsIgnoreCase("AS")) {
                    stages.add(words[2]);
                }
            }
            assertFalse(ins.get(i).keyword().equals("ADD") && ins.get(i).args().contains("://"), "no remote ADD");
        }
        List<Instruction> last = ins.subList(lastFrom, ins.size());
        String user = null;
        String entrypoint = null;
        String cmd = null;
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction i : last) {
            switch (i.keyword()) {
                case "USER" -> user = i.args();
                case "ENTRYPOINT" -> entrypoint = i.args();
                case "CMD" -> cmd = i.args();
                case "ENV" -> {
                    for (String kv : i.args().split("\\s+")) {
                        int eq = kv.indexOf('=');
                        env.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                default -> { }
            }
        }
        assertNotNull(user, name + ": USER in the final stage");
        String uid = user.split(":")[0];
        assertTrue(uid.matches("[1-9][0-9]*"), name + ": numeric non-root USER (runAsNonRoot needs a number): " + user);
        assertNotNull(entrypoint, name + ": ENTRYPOINT");
        ObjectMapper json = new ObjectMapper();
        List<String> ep = json.readValue(entrypoint, json.getTypeFactory().constructCollectionType(List.class, String.class));
        int jar = ep.indexOf("-jar");
        assertTrue(jar > 0 && ep.get(jar + 1).equals("/app/quarkus-app/quarkus-run.jar"), name + ": fast-jar: " + ep);
        assertEquals("[\"serve\"]", cmd.replace(" ", ""), name + ": default command");

        // The Deployment runs exactly this entry point, as the same user.
        List<JsonNode> docs = Manifests.render(overlay);
        JsonNode deployment = Manifests.one(docs, "Deployment", "stylize-worker");
        JsonNode worker = Manifests.container(deployment, "worker", false).orElseThrow();
        assertEquals(ep, KubernetesManifestsTest.texts(worker.path("command")), name + " vs " + overlay);
        assertEquals(uid, deployment.path("spec").path("template").path("spec").path("securityContext")
                .path("runAsUser").asText(), name + ": runAsUser = the image's USER");

        // Natives: unpacked into the directory the JVM is pointed at; the tokenizer's library where the env says.
        String nativePath = ep.stream().filter(a -> a.startsWith("-Donnxruntime.native.path=")).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": -Donnxruntime.native.path")).split("=", 2)[1];
        String text = Files.readString(Path.of("src/main/docker", name));
        // The production artifact (pom.xml profile dev-stack off): no embedded broker or S3Proxy in the image.
        assertTrue(text.contains("mvn -B -ntp package -DskipTests -Dproduction"), name + ": built with -Dproduction");
        assertTrue(last.stream().anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("/app/quarkus-app/lib/main")
                && i.args().contains("kafka_2") && i.args().contains("exit 1")), name + ": refuses a dev build");
        assertFalse(ins.stream().anyMatch(i -> i.keyword().equals("COPY") && i.args().contains("embedded")),
                name + ": no embedded/ (S3Proxy)");
        assertTrue(text.contains("-d " + nativePath + " "), name + ": ORT natives unpacked into " + nativePath);
        assertTrue(text.contains("ai/onnxruntime/native/linux-x64/"), name);
        String rust = env.get("RUST_LIBRARY_PATH");
        assertNotNull(rust, name + ": RUST_LIBRARY_PATH");
        Path rustPath = Path.of(rust);
        assertTrue(text.contains("-d " + rustPath.getParent() + " ") && rustPath.getFileName().toString()
                .equals("libtokenizers.so"), name + ": tokenizer library unpacked at " + rust);
        assertEquals(rust, Manifests.environment(docs, worker).get("RUST_LIBRARY_PATH"), "Deployment agrees");
        assertEquals("true", env.get("DJL_OFFLINE"));
        if (name.endsWith("gpu")) {
            String base = ins.get(0).args();
            assertTrue(base.matches("nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-.*"), "CUDA 12 + cuDNN 9 runtime: " + base);
            assertTrue(text.contains("libnvinfer10"), "TensorRT 10 available as a build option");
        }
    }
}
