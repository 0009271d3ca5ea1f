package dev.stylize.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.worker.Delivery;
import dev.stylize.worker.StopReason;
import dev.stylize.worker.WorkerConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * With pipelining a partition has two jobs in flight; a rebalance must commit exactly the answered
 * prefix of its records: never past a job that was given up, never short of one that finished.
 */
class RequestPartitionsTest {
    private static final TopicPartition TP = new TopicPartition("stylize.requests", 3);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final RequestPartitions partitions = new RequestPartitions();

    RequestPartitionsTest() {
        partitions.config = config(Duration.ofMillis(300));
        partitions.onPartitionsAssigned(consumer, List.of(TP));
        consumer.assign(List.of(TP));
    }

    @Test
    void bothAnsweredCommitsPastTheSecond() {
        Delivery first = partitions.begin(TP, 10, 0);
        Delivery second = partitions.begin(TP, 11, 0);
        finish(first, Delivery.Outcome.ANSWERED);
        finish(second, Delivery.Outcome.ANSWERED);
        partitions.onPartitionsRevoked(consumer, List.of(TP));
        assertEquals(12, committed());
    }

    @Test
    void theSecondAnsweredBeforeTheFirstWasGivenUpCommitsNothing() {
        Delivery first = partitions.begin(TP, 10, 0);
        Delivery second = partitions.begin(TP, 11, 0);
        finish(second, Delivery.Outcome.ANSWERED);
        finish(first, Delivery.Outcome.GIVEN_UP);
        partitions.onPartitionsRevoked(consumer, List.of(TP));
        assertNull(consumer.committed(java.util.Set.of(TP)).get(TP), "record 10 must be delivered again");
    }

    @Test
    void aPreparedJobPastTheDrainIsReleasedAndTheAnsweredOneCommitted() {
        Delivery first = partitions.begin(TP, 10, 0);
        Delivery prepared = partitions.begin(TP, 11, 0);
        finish(first, Delivery.Outcome.ANSWERED);
        // The prepared job ends as the worker ends a released one: given up once stopped.
        CompletableFuture.runAsync(() -> {
            while (prepared.stopReason() == null) {
                Thread.onSpinWait();
            }
            finish(prepared, Delivery.Outcome.GIVEN_UP);
        });
        partitions.onPartitionsRevoked(consumer, List.of(TP));
        assertEquals(StopReason.RELEASED, prepared.stopReason());
        assertEquals(11, committed());
        assertNull(partitions.begin(TP, 12, 0), "no record of a revoked partition is started");
    }

    @Test
    void answeredRecordsBehindTheNewestAreForgotten() {
        for (long offset = 0; offset < 1000; offset++) {
            finish(partitions.begin(TP, offset, 0), Delivery.Outcome.ANSWERED);
        }
        partitions.onPartitionsRevoked(consumer, List.of(TP));
        assertEquals(1000, committed());
    }

    private long committed() {
        Map<TopicPartition, OffsetAndMetadata> c = consumer.committed(java.util.Set.of(TP));
        assertTrue(c.get(TP) != null, "a commit");
        return c.get(TP).offset();
    }

    private static void finish(Delivery d, Delivery.Outcome outcome) {
        d.finish(outcome);
    }

    private static WorkerConfig config(Duration drain) {
        return (WorkerConfig) Proxy.newProxyInstance(WorkerConfig.class.getClassLoader(),
                new Class<?>[] {WorkerConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "rebalanceDrain" -> drain;
                    case "toString" -> "test config";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
