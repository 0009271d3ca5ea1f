package dev.stylize.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Keeps a group-less consumer assigned to every partition of its topics: at start from their end (the
 * gateway serves what happens from then on; the past is looked up per job), and partitions added to a topic
 * later from their beginning (all they hold is new), found by listing the topics again every
 * {@code refreshEvery}.
 */
final class PartitionFollower {
    private final Consumer<?, ?> consumer;
    private final List<String> topics;
    private final Duration refreshEvery;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private long nextRefreshNanos;

    PartitionFollower(Consumer<?, ?> consumer, List<String> topics, Duration refreshEvery) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.refreshEvery = refreshEvery;
    }

    /** Assigns every partition, positioned at its end; returns how many. */
    int start(long nowNanos) {
        List<TopicPartition> all = list(Duration.ofSeconds(60), true);
        assigned.addAll(all);
        consumer.assign(all);
        consumer.seekToEnd(all);
        all.forEach(consumer::position);
        nextRefreshNanos = nowNanos + refreshEvery.toNanos();
        return all.size();
    }

    /** Once per {@code refreshEvery}: follows partitions that appeared since; returns them (usually none). */
    List<TopicPartition> refreshIfDue(long nowNanos) {
        if (nowNanos < nextRefreshNanos) {
            return List.of();
        }
        nextRefreshNanos = nowNanos + refreshEvery.toNanos();
        List<TopicPartition> added = new ArrayList<>();
        for (TopicPartition tp : list(Duration.ofSeconds(5), false)) {
            if (assigned.add(tp)) {
                added.add(tp);
            }
        }
        if (!added.isEmpty()) {
            consumer.assign(new ArrayList<>(assigned));
            consumer.seekToBeginning(added);
        }
        return added;
    }

    private List<TopicPartition> list(Duration timeout, boolean mustExist) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> parts = consumer.partitionsFor(topic, timeout);
            if (parts == null || parts.isEmpty()) {
                if (mustExist) {
                    throw new IllegalStateException("topic " + topic + " does not exist on the broker");
                }
                continue;
            }
            parts.forEach(p -> all.add(new TopicPartition(topic, p.partition())));
        }
        return all;
    }
}
