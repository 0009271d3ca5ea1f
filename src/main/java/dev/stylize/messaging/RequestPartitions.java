package dev.stylize.messaging;

import dev.stylize.job.Printable;
import dev.stylize.worker.Delivery;
import dev.stylize.worker.StopReason;
import dev.stylize.worker.WorkerConfig;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Keeps a job on at most one worker across rebalances. The requests consumers' partitions and the
 * delivery each one is running are tracked here; when a rebalance takes a partition away (a new pod
 * joined: cooperative rebalancing revokes it here before the new owner may fetch it), its running job
 * may finish within {@code stylize.rebalance-drain}, and its offset is committed right here (the
 * connector's own commit has already dropped the partition); past that bound it is released: stopped
 * without a result, uncommitted, so the new owner runs it. A partition lost without revocation (this
 * worker fell out of the group, e.g. cut off from the broker past the session timeout) releases its job
 * at once — but only once this worker learns of it, so the new owner may have started meanwhile: that
 * window is the limit of a lease held through group membership. A record of a partition taken away is
 * never started.
 */
@ApplicationScoped
@Identifier(RequestPartitions.NAME)
public class RequestPartitions implements KafkaConsumerRebalanceListener {
    static final String NAME = "stylize-requests";
    private static final Logger LOG = Logger.getLogger(RequestPartitions.class);
    /** How long a released job may take to stop (ONNX Runtime's terminate flag stops a step in ms). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private record Running(long offset, Delivery delivery) {}

    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<TopicPartition> revoked = new HashSet<>();
    private final Map<TopicPartition, Running> running = new HashMap<>();

    @Inject
    WorkerConfig config;

    /** The delivery of a record, or null when its partition was taken from this worker (do not start it). */
    synchronized Delivery begin(TopicPartition tp, long offset, long timestamp) {
        if (!assigned.contains(tp)) {
            if (revoked.contains(tp)) {
                return null;
            }
            // Never seen assigned: the listener is not wired as expected. Run it rather than skip and commit it.
            LOG.errorf("phase=REBALANCE record of %s, a partition this listener never saw assigned", tp);
        }
        Delivery d = new Delivery(tp + "@" + offset, timestamp);
        running.put(tp, new Running(offset, d));
        return d;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        synchronized (this) {
            assigned.addAll(partitions);
            revoked.removeAll(partitions);
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // The connector routes "partitions lost" here too; a member that fell out of the group has no
        // generation any more, and another worker may already run its jobs: release them at once.
        boolean lost = generation(consumer) < 0;
        for (Map.Entry<TopicPartition, Running> e : take(partitions).entrySet()) {
            TopicPartition tp = e.getKey();
            Delivery d = e.getValue().delivery();
            if (lost) {
                if (!d.isFinished()) {
                    LOG.warnf("phase=REBALANCE partition %s lost (this worker left the group): releasing its job", tp);
                    d.stop(StopReason.RELEASED);
                }
                continue;
            }
            Delivery.Outcome outcome = d.outcome();
            if (outcome == null) {
                LOG.infof("phase=REBALANCE partition %s revoked while its job runs; it may finish for %s", tp,
                        config.rebalanceDrain());
                outcome = d.awaitOutcome(config.rebalanceDrain());
            }
            if (outcome == null) {
                LOG.warnf("phase=REBALANCE partition %s revoked; its job did not finish within %s: releasing it", tp,
                        config.rebalanceDrain());
                d.stop(StopReason.RELEASED);
                outcome = d.awaitOutcome(STOP_WAIT);
            }
            if (outcome == Delivery.Outcome.ANSWERED) {
                commit(consumer, tp, e.getValue().offset() + 1);
            } else {
                LOG.infof("phase=REBALANCE partition %s revoked; %s left uncommitted for its new owner", tp,
                        Printable.of(d.source()));
            }
        }
    }

    private static int generation(Consumer<?, ?> consumer) {
        try {
            return consumer.groupMetadata().generationId();
        } catch (RuntimeException e) {
            return 0; // unknown: treat as a regular revocation
        }
    }

    /** Forgets the partitions: records of them are no longer started, and their deliveries are handed over. */
    private synchronized Map<TopicPartition, Running> take(Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        revoked.addAll(partitions);
        Map<TopicPartition, Running> taken = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Running r = running.remove(tp);
            if (r != null) {
                taken.put(tp, r);
            }
        }
        return taken;
    }

    private static void commit(Consumer<?, ?> consumer, TopicPartition tp, long next) {
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
            LOG.infof("phase=REBALANCE partition %s revoked after its job finished; committed offset %d", tp, next);
        } catch (RuntimeException ex) {
            // The new owner then gets the record again and answers it from the job's recorded state.
            LOG.warnf("phase=REBALANCE partition %s: commit of offset %d failed: %s", tp, next, ex.toString());
        }
    }
}
