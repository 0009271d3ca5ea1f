package dev.stylize.messaging;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobJson;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.worker.JobEvents;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes progress (fire and forget), results (awaiting the broker's ack) and dead letters, keyed by job id. */
@ApplicationScoped
public class KafkaJobEvents implements JobEvents {
    public static final String HEADER_ERROR_CODE = "stylize.error.code";
    public static final String HEADER_ERROR_MESSAGE = "stylize.error.message";

    @Inject
    @Channel("progress")
    MutinyEmitter<byte[]> progress;

    @Inject
    @Channel("results")
    MutinyEmitter<byte[]> results;

    @Inject
    @Channel("dlq")
    MutinyEmitter<byte[]> dlq;

    @Override
    public void progress(ProgressEvent event) {
        progress.sendMessageAndForget(keyed(event.jobId(), JobJson.write(event), null));
    }

    @Override
    public void result(ResultEvent event) {
        // Blocks until the broker has it: only then may the request's offset be committed.
        results.sendMessageAndAwait(keyed(event.jobId(), JobJson.write(event), null));
    }

    @Override
    public void deadLetter(String key, byte[] value, ErrorCode code, String message) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_ERROR_CODE, code.name().getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_ERROR_MESSAGE, message.getBytes(StandardCharsets.UTF_8));
        dlq.sendMessageAndAwait(keyed(key, value == null ? new byte[0] : value, headers));
    }

    private static Message<byte[]> keyed(String key, byte[] payload, RecordHeaders headers) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(key);
        if (headers != null) {
            meta.withHeaders(headers);
        }
        return Message.of(payload).addMetadata(meta.build());
    }
}
