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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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

    private record Running(long offset, Delivery delivery) {
        boolean answered() {
            return delivery.outcome() == Delivery.Outcome.ANSWERED;
        }
    }

    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<TopicPartition> revoked = new HashSet<>();
    /** Per partition, in offset order: the jobs running (with pipelining, two) and the last one answered. */
    private final Map<TopicPartition, List<Running>> running = new HashMap<>();

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
        List<Running> jobs = running.computeIfAbsent(tp, k -> new ArrayList<>());
        // Answered records below the newest answered one are committed by the connector: forget them.
        while (jobs.size() > 1 && jobs.get(0).answered() && jobs.get(1).answered()) {
            jobs.remove(0);
        }
        jobs.add(new Running(offset, d));
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
        long drainEnd = System.nanoTime() + config.rebalanceDrain().toNanos();
        for (Map.Entry<TopicPartition, List<Running>> e : take(partitions).entrySet()) {
            TopicPartition tp = e.getKey();
            if (lost) {
                for (Running r : e.getValue()) {
                    if (!r.delivery().isFinished()) {
                        LOG.warnf("phase=REBALANCE partition %s lost (this worker left the group): releasing %s", tp,
                                Printable.of(r.delivery().source()));
                        r.delivery().stop(StopReason.RELEASED);
                    }
                }
                continue;
            }
            for (Running r : e.getValue()) {
                drainOrRelease(tp, r.delivery(), drainEnd);
            }
            long next = -1;
            for (Running r : e.getValue()) {
                if (!r.answered()) {
                    LOG.infof("phase=REBALANCE partition %s revoked; %s left uncommitted for its new owner", tp,
                            Printable.of(r.delivery().source()));
                    break;
                }
                next = r.offset() + 1;
            }
            if (next >= 0) {
                commit(consumer, tp, next);
            }
        }
    }

    /** Lets a job of a revoked partition finish until {@code drainEnd}; past it, stops it (no result). */
    private void drainOrRelease(TopicPartition tp, Delivery d, long drainEnd) {
        if (d.outcome() != null) {
            return;
        }
        LOG.infof("phase=REBALANCE partition %s revoked while its job runs (%s); it may finish for %s", tp,
                Printable.of(d.source()), config.rebalanceDrain());
        if (d.awaitOutcome(Duration.ofNanos(Math.max(0, drainEnd - System.nanoTime()))) == null) {
            LOG.warnf("phase=REBALANCE partition %s revoked; %s did not finish within %s: releasing it", tp,
                    Printable.of(d.source()), config.rebalanceDrain());
            d.stop(StopReason.RELEASED);
            d.awaitOutcome(STOP_WAIT);
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
    private synchronized Map<TopicPartition, List<Running>> take(Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        revoked.addAll(partitions);
        Map<TopicPartition, List<Running>> taken = new HashMap<>();
        for (TopicPartition tp : partitions) {
            List<Running> r = running.remove(tp);
            if (r != null) {
                taken.put(tp, List.copyOf(r));
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
