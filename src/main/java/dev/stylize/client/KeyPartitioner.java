package dev.stylize.client;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition Kafka's default partitioner gives a String key (UTF-8 bytes, murmur2): lets a client
 * read only the partition that holds a job's records instead of the whole topic.
 */
public final class KeyPartitioner {
    private KeyPartitioner() {}

    public static int partition(String key, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, got " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
