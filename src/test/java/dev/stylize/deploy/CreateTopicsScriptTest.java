package dev.stylize.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.messaging.CreateTopicsScript;
import dev.stylize.messaging.TopicDefinition;
import dev.stylize.messaging.TopicDefinitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kafka-topics/create-topics.sh is generated from topics.yaml and kept up to date. */
class CreateTopicsScriptTest {
    static final Path DIR = Path.of("kafka-topics");
    static final Path SCRIPT = DIR.resolve(CreateTopicsScript.FILE);

    @Test
    void committedScriptIsUpToDate() throws IOException {
        String expected = CreateTopicsScript.render(TopicDefinitions.load(DIR.resolve("topics.yaml")));
        if (Boolean.getBoolean("stylize.regenerate")) {
            Files.writeString(SCRIPT, expected, StandardCharsets.UTF_8);
        }
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT + " is missing");
        assertEquals(expected, Files.readString(SCRIPT), SCRIPT + " is out of date with topics.yaml: run "
                + "mvn -o test -Dtest=CreateTopicsScriptTest -Dstylize.regenerate=true, and commit it");
    }

    static final Path DEV_CONFIGMAP = Path.of("k8s/overlays/dev/create-topics-configmap.yaml");

    /** The dev overlay's copy of the script (a ConfigMap) is the same script. */
    @Test
    void devConfigMapIsUpToDate() throws IOException {
        String script = CreateTopicsScript.render(TopicDefinitions.load(DIR.resolve("topics.yaml")));
        String expected = CreateTopicsScript.renderConfigMap("stylize-create-topics", script);
        if (Boolean.getBoolean("stylize.regenerate")) {
            Files.writeString(DEV_CONFIGMAP, expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, Files.readString(DEV_CONFIGMAP), DEV_CONFIGMAP + " is out of date: run "
                + "mvn -o test -Dtest=CreateTopicsScriptTest -Dstylize.regenerate=true, and commit it");
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        assertEquals(script, yaml.readTree(expected).path("data").path(CreateTopicsScript.FILE).asText(),
                "the ConfigMap carries the script byte for byte");
    }

    /** Runs the script with a stand-in kafka-topics.sh that records its arguments. */
    @Test
    void scriptCreatesEveryTopicAsDefined(@TempDir Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path log = tmp.resolve("calls.txt");
        Path fake = bin.resolve("kafka-topics.sh");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '%s ' \"$a\" >> '" + log + "'; done\necho >> '"
                + log + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        TopicDefinitions topics = TopicDefinitions.load(DIR.resolve("topics.yaml"));

        for (int maxReplicas : new int[] {0, 1}) {
            Files.deleteIfExists(log);
            ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true);
            pb.environment().put("BOOTSTRAP", "kafka:9092");
            pb.environment().put("KAFKA_BIN", bin.toString());
            pb.environment().put("COMMAND_CONFIG", "/etc/kafka/client properties");
            pb.environment().put("MAX_REPLICAS", Integer.toString(maxReplicas));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);

            List<String> calls = Files.readAllLines(log);
            assertEquals(topics.all().size(), calls.size(), calls.toString());
            for (int i = 0; i < calls.size(); i++) {
                TopicDefinition t = maxReplicas > 0 ? topics.all().get(i).cappedTo(maxReplicas) : topics.all().get(i);
                List<String> expected = new ArrayList<>(List.of("--bootstrap-server", "kafka:9092", "--command-config",
                        "/etc/kafka/client", "properties", "--create", "--if-not-exists", "--topic", t.name(),
                        "--partitions", Integer.toString(t.partitions()), "--replication-factor",
                        Integer.toString(t.replicas())));
                // The config order of the script is the file's; compare as sets.
                List<String> args = Arrays.asList(calls.get(i).trim().split(" "));
                assertEquals(expected, args.subList(0, expected.size()), calls.get(i));
                List<String> configs = new ArrayList<>();
                for (int j = expected.size(); j < args.size(); j += 2) {
                    assertEquals("--config", args.get(j));
                    configs.add(args.get(j + 1));
                }
                List<String> want = t.config().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                        .toList();
                assertEquals(want, configs.stream().sorted().toList(), t.name());
            }
        }
    }
}
