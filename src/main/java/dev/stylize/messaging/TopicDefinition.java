package dev.stylize.messaging;

import java.util.Map;

/**
 * One topic of {@code kafka-topics/topics.yaml}.
 *
 * @param name the Kafka topic name ({@code spec.topicName})
 * @param role what the application uses it for (label {@code stylize.dev/role})
 * @param partitions {@code spec.partitions}
 * @param replicas {@code spec.replicas} as defined for the cluster (the embedded broker caps it at 1)
 * @param config topic configs ({@code spec.config}), unmodifiable, in file order
 */
public record TopicDefinition(String name, String role, int partitions, int replicas, Map<String, String> config) {
    public TopicDefinition {
        config = Map.copyOf(config);
    }

    /** This definition for a cluster of {@code brokers} nodes: replicas and min.insync.replicas capped. */
    public TopicDefinition cappedTo(int brokers) {
        Map<String, String> capped = new java.util.LinkedHashMap<>(config);
        String minIsr = capped.get("min.insync.replicas");
        if (minIsr != null && Integer.parseInt(minIsr.trim()) > brokers) {
            capped.put("min.insync.replicas", Integer.toString(brokers));
        }
        return new TopicDefinition(name, role, partitions, Math.min(replicas, brokers), capped);
    }

    public boolean compacted() {
        String policy = config.get("cleanup.policy");
        return policy != null && java.util.Arrays.asList(policy.split(",")).contains("compact");
    }
}
