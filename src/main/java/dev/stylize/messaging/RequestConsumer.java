package dev.stylize.messaging;

import dev.stylize.worker.JobService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stylization requests. One record at a time per pipeline slot (the channel's {@code concurrency}
 * is the slot count); returning acknowledges the record, which happens only after its terminal
 * result is on the broker, so the offset is committed only then (at-least-once).
 */
@ApplicationScoped
public class RequestConsumer {
    @Inject
    JobService jobs;

    @Incoming("requests")
    @Blocking
    public void onRequest(ConsumerRecord<String, byte[]> record) {
        jobs.process(record.key(), record.value());
    }
}
