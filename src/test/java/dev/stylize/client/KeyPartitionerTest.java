package dev.stylize.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KeyPartitionerTest {
    @Test
    void agreesWithTheProducersBuiltInPartitioner() {
        for (int partitions : new int[] {1, 4, 16, 64}) {
            for (int i = 0; i < 500; i++) {
                String key = "job-" + i + (i % 3 == 0 ? "-é" : "");
                assertEquals(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions),
                        KeyPartitioner.partition(key, partitions), key + " over " + partitions);
            }
        }
    }

    @Test
    void aTopicHasPartitions() {
        assertThrows(IllegalArgumentException.class, () -> KeyPartitioner.partition("a", 0));
    }
}
