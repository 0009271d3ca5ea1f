package dev.stylize.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code kafka-topics/create-topics.sh} from {@code kafka-topics/topics.yaml}: one
 * {@code kafka-topics.sh --create} per topic with its partitions, replicas and configs, for clusters
 * without the Strimzi topic operator. The committed script is checked against this output by a test.
 *
 * <p>{@code java -cp target/classes:... dev.stylize.messaging.CreateTopicsScript kafka-topics} rewrites it;
 * the test tells the exact command when it is out of date.
 */
public final class CreateTopicsScript {
    public static final String FILE = "create-topics.sh";

    private CreateTopicsScript() {}

    public static String render(TopicDefinitions topics) {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                #!/bin/sh
                # GENERATED from kafka-topics/topics.yaml by dev.stylize.messaging.CreateTopicsScript: do not edit.
                # Creates the worker's topics on a Kafka cluster without the Strimzi topic operator.
                #
                #   BOOTSTRAP=kafka:9092 [KAFKA_BIN=/opt/kafka/bin] [COMMAND_CONFIG=client.properties] \\
                #     [MAX_REPLICAS=1] sh kafka-topics/create-topics.sh
                #
                # COMMAND_CONFIG: admin client properties (SASL/TLS). MAX_REPLICAS caps the replication factor
                # and min.insync.replicas (a single-node dev cluster: 1), as the embedded broker does.
                # Existing topics are left as they are (--if-not-exists): change their configs with
                # kafka-configs.sh --alter, and add partitions with kafka-topics.sh --alter --partitions.
                set -eu
                : "${BOOTSTRAP:?set BOOTSTRAP to the Kafka bootstrap servers}"
                KAFKA_TOPICS="${KAFKA_BIN:+$KAFKA_BIN/}kafka-topics.sh"

                cap() {
                  if [ "${MAX_REPLICAS:-0}" -gt 0 ] && [ "$1" -gt "${MAX_REPLICAS:-0}" ]; then echo "$MAX_REPLICAS"; else echo "$1"; fi
                }

                create() {
                  if [ -n "${COMMAND_CONFIG:-}" ]; then
                    "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --command-config "$COMMAND_CONFIG" --create --if-not-exists "$@"
                  else
                    "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists "$@"
                  fi
                }
                """);
        for (TopicDefinition t : topics.all()) {
            sb.append('\n').append("# role: ").append(t.role()).append('\n');
            sb.append("create --topic ").append(shellWord(t.name()))
                    .append(" --partitions ").append(t.partitions())
                    .append(" --replication-factor \"$(cap ").append(t.replicas()).append(")\"");
            // Sorted: TopicDefinition's config map has no stable order.
            for (Map.Entry<String, String> c : new TreeMap<>(t.config()).entrySet()) {
                sb.append(" \\\n  --config ");
                if (c.getKey().equals("min.insync.replicas")) {
                    sb.append("\"min.insync.replicas=$(cap ").append(Integer.parseInt(c.getValue().trim())).append(")\"");
                } else {
                    sb.append(shellWord(c.getKey() + "=" + c.getValue()));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The script as a ConfigMap (for a Job that creates the topics on a cluster without Strimzi, as the
     * dev overlay does): kustomize cannot load files from outside an overlay's directory.
     */
    public static String renderConfigMap(String name, String script) {
        StringBuilder sb = new StringBuilder();
        sb.append("# GENERATED from kafka-topics/topics.yaml by dev.stylize.messaging.CreateTopicsScript: do not edit.\n")
                .append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ").append(name).append('\n')
                .append("data:\n  ").append(FILE).append(": |\n");
        for (String line : script.split("\n", -1)) {
            if (!line.isEmpty()) {
                sb.append("    ").append(line);
            }
            sb.append('\n');
        }
        return sb.toString().stripTrailing() + "\n";
    }

    /** Plain words as they are; anything else single-quoted. */
    static String shellWord(String s) {
        if (s.matches("[A-Za-z0-9._=,:/-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Rewrites {@code DIR/create-topics.sh} from {@code DIR/topics.yaml}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "kafka-topics");
        Path out = dir.resolve(FILE);
        Files.writeString(out, render(TopicDefinitions.load(dir.resolve("topics.yaml"))), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }
}
