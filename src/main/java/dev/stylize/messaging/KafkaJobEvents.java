package dev.stylize.messaging;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.ErrorInfo;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobStatus;
import dev.stylize.job.Printable;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.runtime.Sha256;
import dev.stylize.worker.JobEvents;
import dev.stylize.worker.JobService.ShutdownInterruption;
import dev.stylize.worker.ShutdownState;
import dev.stylize.worker.WorkerConfig;
import dev.stylize.worker.WorkerMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes progress (fire and forget: advisory), results and dead letters (awaiting the broker's ack),
 * keyed by job id. A failed publish never escapes as an exception that would stop a channel: results are
 * retried until the broker takes them (or shutdown leaves the record uncommitted); dead letters too, and
 * one the broker refuses outright is logged, counted and dropped so the consumer moves on.
 */
@ApplicationScoped
public class KafkaJobEvents implements JobEvents {
    private static final Logger LOG = Logger.getLogger(KafkaJobEvents.class);
    public static final String HEADER_ERROR_CODE = "stylize.error.code";
    public static final String HEADER_ERROR_MESSAGE = "stylize.error.message";
    /** Present when the dead letter's value (or key) is cut: the original's size in bytes. */
    public static final String HEADER_ORIGINAL_SIZE = "stylize.original.size";
    public static final String HEADER_ORIGINAL_KEY_SIZE = "stylize.original.key.size";
    /** SHA-256 of the original value, when it was cut. */
    public static final String HEADER_ORIGINAL_SHA256 = "stylize.original.sha256";
    /** Keys longer than this are cut in the dead letter (a key the size of a record must not block it). */
    static final int MAX_KEY_CHARS = 4096;
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    @Inject
    @Channel("progress")
    MutinyEmitter<byte[]> progress;

    @Inject
    @Channel("results")
    MutinyEmitter<byte[]> results;

    @Inject
    @Channel("dlq")
    MutinyEmitter<byte[]> dlq;

    @Inject
    WorkerConfig config;

    @Inject
    ShutdownState shutdown;

    @Inject
    WorkerMetrics metrics;

    @Override
    public void progress(ProgressEvent event) {
        try {
            progress.sendMessageAndForget(keyed(event.jobId(), JobJson.write(event), null));
        } catch (RuntimeException e) {
            LOG.debugf("job=%s progress event dropped: %s", event.jobId(), e);
        }
    }

    @Override
    public void result(ResultEvent event) {
        // On the job's span (current on the job's thread): how it ended, findable in the tracing backend.
        Span job = Span.current();
        job.setAttribute("stylize.job.status", event.status().name());
        job.setAttribute("stylize.job.attempt", event.attempt());
        if (event.error() != null) {
            job.setAttribute("stylize.error.code", event.error().code());
            if (event.status() == JobStatus.FAILED) {
                job.setStatus(StatusCode.ERROR, event.error().code());
            }
        }
        // Blocks until the broker has it: only then may the request's offset be committed.
        Message<byte[]> m = keyed(event.jobId(), JobJson.write(event), null);
        sendReliably(results, m, "results", event.jobId(), false);
    }

    @Override
    public void deadLetter(String key, byte[] value, ErrorCode code, String message) {
        Span.current().setAttribute("stylize.dead_letter.code", code.name());
        byte[] original = value == null ? new byte[0] : value;
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_ERROR_CODE, code.name().getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_ERROR_MESSAGE, Printable.of(ErrorInfo.of(code, message).message())
                .getBytes(StandardCharsets.UTF_8));
        byte[] copy = original;
        if (original.length > config.dlqMaxValueBytes()) {
            copy = Arrays.copyOf(original, config.dlqMaxValueBytes());
            headers.add(HEADER_ORIGINAL_SIZE, Integer.toString(original.length).getBytes(StandardCharsets.UTF_8));
            headers.add(HEADER_ORIGINAL_SHA256, Sha256.of(original).getBytes(StandardCharsets.UTF_8));
        }
        String dlqKey = key;
        if (key != null && key.length() > MAX_KEY_CHARS) {
            dlqKey = key.substring(0, MAX_KEY_CHARS);
            headers.add(HEADER_ORIGINAL_KEY_SIZE, Integer.toString(key.length()).getBytes(StandardCharsets.UTF_8));
        }
        if (copy != original) {
            LOG.warnf("job=%s dead letter cut to %d of %d bytes", Printable.of(dlqKey), copy.length, original.length);
        }
        sendReliably(dlq, keyed(dlqKey, copy, headers), "dlq", dlqKey, true);
    }

    /**
     * Sends and waits for the broker's ack. Retriable failures (broker down, leader moving) are tried
     * again with growing pauses until shutdown, which leaves the record uncommitted; any other failure
     * is tried again too for results, and dropped (logged, counted) for dead letters.
     */
    private void sendReliably(MutinyEmitter<byte[]> emitter, Message<byte[]> m, String role, String key,
            boolean dropWhenRefused) {
        Duration pause = FIRST_PAUSE;
        while (true) {
            try {
                emitter.sendMessageAndAwait(m);
                return;
            } catch (RuntimeException e) {
                boolean retriable = causedBy(e, RetriableException.class);
                if (!retriable && dropWhenRefused) {
                    metrics.publishFailed(role, true);
                    LOG.errorf("job=%s %s record refused by the broker and dropped: %s", Printable.of(key), role,
                            rootMessage(e));
                    return;
                }
                metrics.publishFailed(role, false);
                if (shutdown.isShuttingDown()) {
                    throw new ShutdownInterruption(key);
                }
                LOG.warnf("job=%s %s record not published (%s); retrying in %d ms", Printable.of(key), role,
                        rootMessage(e), pause.toMillis());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ShutdownInterruption(key);
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + Printable.of(String.valueOf(t.getMessage()));
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
