package dev.stylize.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.job.Printable;
import dev.stylize.worker.RunningJobs;
import dev.stylize.worker.WorkerMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Cancellations: {@code {"jobId": "..."}} on the control topic (or just the key). Every worker reads
 * the whole topic (a consumer group of its own), so whichever pod holds the job stops it. No record,
 * whatever it holds, stops this channel: every pod reads every record from the start of the topic.
 */
@ApplicationScoped
public class ControlConsumer {
    private static final Logger LOG = Logger.getLogger(ControlConsumer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RunningJobs running;

    @Inject
    WorkerMetrics metrics;

    @Incoming("control")
    public void onControl(ConsumerRecord<String, byte[]> record) {
        try {
            String jobId = jobId(record);
            if (jobId == null || jobId.isBlank()) {
                LOG.warnf("phase=CONTROL ignored a record without a job id at %s-%d@%d", record.topic(),
                        record.partition(), record.offset());
                metrics.unhandledRecord("control");
                return;
            }
            LOG.infof("job=%s phase=CONTROL cancel requested", Printable.of(jobId));
            running.cancel(jobId);
        } catch (RuntimeException e) {
            LOG.errorf(e, "phase=CONTROL ignored record %s-%d@%d", record.topic(), record.partition(), record.offset());
            metrics.unhandledRecord("control");
        }
    }

    /** The body's jobId, else the key; null when neither is there. */
    private static String jobId(ConsumerRecord<String, byte[]> record) {
        if (record.value() != null) {
            try {
                JsonNode node = JSON.readTree(record.value());
                if (node != null && node.hasNonNull("jobId") && node.get("jobId").isTextual()) {
                    return node.get("jobId").asText();
                }
            } catch (java.io.IOException e) {
                // not JSON: the key is enough
            }
        }
        return record.key();
    }
}
