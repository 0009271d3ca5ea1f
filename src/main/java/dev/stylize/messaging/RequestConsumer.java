package dev.stylize.messaging;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.Printable;
import dev.stylize.worker.Delivery;
import dev.stylize.worker.JobEvents;
import dev.stylize.worker.JobService;
import dev.stylize.worker.StartupGate;
import dev.stylize.worker.WorkerMetrics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Stylization requests. One record at a time per pipeline slot (the channel's {@code concurrency}
 * is the slot count); returning acknowledges the record, which happens only after its terminal
 * result is on the broker, so the offset is committed only then (at-least-once). Nothing a record
 * holds may stop the channel: only a job interrupted by shutdown is nacked (no commit).
 */
@ApplicationScoped
public class RequestConsumer {
    private static final Logger LOG = Logger.getLogger(RequestConsumer.class);

    @Inject
    JobService jobs;

    @Inject
    @Identifier(RequestPartitions.NAME)
    RequestPartitions partitions;

    @Inject
    StartupGate started;

    @Inject
    JobEvents events;

    @Inject
    WorkerMetrics metrics;

    @Incoming("requests")
    @Blocking
    public void onRequest(ConsumerRecord<String, byte[]> record) {
        started.await(); // no job before the worker can serve (HTTP bound, models loaded)
        Delivery delivery = partitions.begin(new TopicPartition(record.topic(), record.partition()), record.offset(),
                record.timestamp());
        if (delivery == null) {
            LOG.infof("job=%s skipped: partition %s-%d was revoked before the record started", Printable.of(record.key()),
                    record.topic(), record.partition());
            return;
        }
        try (delivery) {
            jobs.process(record.key(), record.value(), delivery);
        } catch (JobService.ShutdownInterruption e) {
            throw e;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            // A bug: log, keep a copy on the DLQ, and serve the next record rather than stop the channel.
            LOG.errorf(t, "job=%s unhandled failure of record %s", Printable.of(record.key()), delivery.source());
            metrics.unhandledRecord("requests");
            events.deadLetter(record.key(), record.value(), ErrorCode.INTERNAL,
                    "the worker failed on this record: " + t.getClass().getSimpleName());
        }
    }
}
