package dev.stylize.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The gateway reader's partitions: all of them from their end at start, partitions added later from their start. */
class PartitionFollowerTest {
    static final Duration EVERY = Duration.ofSeconds(30);

    static List<PartitionInfo> partitions(String topic, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> new PartitionInfo(topic, i, null, null, null))
                .toList();
    }

    static MockConsumer<String, byte[]> consumer(int progressPartitions) {
        MockConsumer<String, byte[]> c = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        c.updatePartitions("progress", partitions("progress", progressPartitions));
        c.updatePartitions("results", partitions("results", 1));
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            ends.put(new TopicPartition("progress", i), 10L);
            c.updateBeginningOffsets(Map.of(new TopicPartition("progress", i), 0L));
        }
        ends.put(new TopicPartition("results", 0), 7L);
        c.updateBeginningOffsets(Map.of(new TopicPartition("results", 0), 0L));
        c.updateEndOffsets(ends);
        return c;
    }

    @Test
    void startsAtTheEndOfEveryPartitionAndFollowsAddedOnesFromTheirStart() {
        MockConsumer<String, byte[]> c = consumer(2);
        PartitionFollower f = new PartitionFollower(c, List.of("progress", "results"), EVERY);
        assertEquals(3, f.start(0));
        assertEquals(10L, c.position(new TopicPartition("progress", 1)));
        assertEquals(7L, c.position(new TopicPartition("results", 0)));

        c.updatePartitions("progress", partitions("progress", 4));
        assertEquals(List.of(), f.refreshIfDue(EVERY.toNanos() - 1), "not before the interval");
        List<TopicPartition> added = f.refreshIfDue(EVERY.toNanos());
        assertEquals(Set.of(new TopicPartition("progress", 2), new TopicPartition("progress", 3)), Set.copyOf(added));
        assertEquals(5, c.assignment().size());
        // A record in a new partition is read; the old partitions stay where they were.
        c.addRecord(new ConsumerRecord<>("progress", 3, 0L, "job", new byte[] {1}));
        assertEquals(1, c.poll(Duration.ZERO).count());
        assertEquals(10L, c.position(new TopicPartition("progress", 1)));
        assertEquals(List.of(), f.refreshIfDue(2 * EVERY.toNanos()), "nothing new, nothing changes");
    }

    @Test
    void aMissingTopicAtStartIsAnError() {
        MockConsumer<String, byte[]> c = consumer(1);
        PartitionFollower f = new PartitionFollower(c, List.of("progress", "absent"), EVERY);
        assertThrows(IllegalStateException.class, () -> f.start(0));
    }
}
