package dev.stylize.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.worker.CancellationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Cancellations: {@code {"jobId": "..."}} on the control topic. Every worker reads the whole topic
 * (a consumer group of its own), so whichever pod holds the job stops it.
 */
@ApplicationScoped
public class ControlConsumer {
    private static final Logger LOG = Logger.getLogger(ControlConsumer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CancellationRegistry cancellations;

    @Incoming("control")
    public void onControl(ConsumerRecord<String, byte[]> record) {
        String jobId = record.key();
        try {
            JsonNode node = JSON.readTree(record.value());
            if (node != null && node.hasNonNull("jobId")) {
                jobId = node.get("jobId").asText();
            }
        } catch (IOException e) {
            // a bare key is enough
        }
        if (jobId == null || jobId.isBlank()) {
            LOG.warnf("phase=CONTROL ignored a control record without jobId at offset %d", record.offset());
            return;
        }
        LOG.infof("job=%s phase=CONTROL cancel requested", jobId);
        cancellations.cancel(jobId);
    }
}
