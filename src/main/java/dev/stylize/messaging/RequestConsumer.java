package dev.stylize.messaging;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.Printable;
import dev.stylize.worker.Delivery;
import dev.stylize.worker.JobEvents;
import dev.stylize.worker.JobService;
import dev.stylize.worker.StartupGate;
import dev.stylize.worker.WorkerConfig;
import dev.stylize.worker.WorkerMetrics;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Stylization requests. Each of the channel's {@code concurrency} copies (one per pipeline slot) takes
 * its records one after the other; a job runs on a thread of its own, and the copy takes the next record
 * once the job holds the accelerator (pipelining: the next one is fetched and prepared meanwhile) or,
 * with {@code stylize.pipelining=false}, once it has finished. A record is acknowledged only after its
 * terminal result is on the broker, and the connector commits offsets only up to the oldest record not
 * yet acknowledged, so a commit never passes a job still running (at-least-once). Nothing a record holds
 * may stop the channel: only a job interrupted by shutdown is nacked (no commit).
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

    @Inject
    WorkerConfig config;

    @Inject
    OpenTelemetry otel;

    @Inject
    Tracer tracer;

    private final ExecutorService jobThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stylize-job");
        t.setDaemon(true);
        return t;
    });

    /** Each key in flight, done when its job ends: a second request under the same key waits for the first. */
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    /** Returns when the channel may deliver the next record; the record itself is acked when its job ends. */
    @Incoming("requests")
    public CompletionStage<Void> onRequest(Message<byte[]> message) {
        CompletableFuture<Void> next = new CompletableFuture<>();
        jobThreads.execute(() -> {
            try {
                handle(message, next);
            } finally {
                next.complete(null);
            }
        });
        return next;
    }

    private void handle(Message<byte[]> message, CompletableFuture<Void> next) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        String key = record.getKey() == null ? null : record.getKey().toString();
        try {
            started.await(); // no job before the worker can serve (HTTP bound, models loaded)
        } catch (JobService.ShutdownInterruption e) {
            message.nack(e);
            return;
        }
        Delivery delivery = partitions.begin(new TopicPartition(record.getTopic(), record.getPartition()),
                record.getOffset(), record.getTimestamp().toEpochMilli());
        if (delivery == null) {
            LOG.infof("job=%s skipped: partition %s-%d was revoked before the record started", Printable.of(key),
                    record.getTopic(), record.getPartition());
            message.ack();
            return;
        }
        (config.pipelining() ? delivery.whenHandedOver() : delivery.whenFinished())
                .whenComplete((ok, failed) -> next.complete(null));
        CompletableFuture<Void> done = new CompletableFuture<>();
        Span span = jobSpan(message, record, key);
        try (delivery; Scope ignored = span.makeCurrent()) {
            MDC.put("traceId", span.getSpanContext().getTraceId());
            awaitEarlierDelivery(key, done);
            jobs.process(key, message.getPayload(), delivery);
            span.setAttribute("stylize.delivery.outcome", String.valueOf(delivery.outcome()));
            message.ack();
        } catch (JobService.ShutdownInterruption e) {
            message.nack(e);
        } catch (VirtualMachineError e) {
            message.nack(e); // out of memory: the channel fails, the health check reports it, the pod restarts
            throw e;
        } catch (Throwable t) {
            // A bug: log, keep a copy on the DLQ, and serve the next record rather than stop the channel.
            LOG.errorf(t, "job=%s unhandled failure of record %s", Printable.of(key), delivery.source());
            metrics.unhandledRecord("requests");
            events.deadLetter(key, message.getPayload(), ErrorCode.INTERNAL,
                    "the worker failed on this record: " + t.getClass().getSimpleName());
            message.ack();
        } finally {
            if (key != null) {
                inFlight.remove(key, done);
            }
            done.complete(null);
            span.end();
            MDC.remove("traceId");
        }
    }

    /**
     * The delivery's span: below the connector's receive span, which continues the producer's trace (the
     * gateway's request, the terminal client's submit); below the record's own trace headers when the
     * connector traced nothing. The worker's steps and its result record are children of it.
     */
    private Span jobSpan(Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> record, String key) {
        Context parent = TracingMetadata.fromMessage(message).map(TracingMetadata::getCurrentContext)
                .filter(c -> Span.fromContext(c).getSpanContext().isValid())
                .orElseGet(() -> TraceHeaders.extract(otel, Context.root(), record.getHeaders()));
        return tracer.spanBuilder("stylize job").setParent(parent)
                .setAttribute("stylize.job.id", key == null ? "" : Printable.of(key))
                .setAttribute("messaging.destination.name", record.getTopic())
                .setAttribute("messaging.destination.partition.id", Integer.toString(record.getPartition()))
                .setAttribute("messaging.kafka.offset", record.getOffset())
                .startSpan();
    }

    /**
     * A request under a key whose previous request still runs here (a resubmission queued right behind
     * it) starts once that one ends, and is then answered from its recorded state.
     */
    private void awaitEarlierDelivery(String key, CompletableFuture<Void> done) {
        if (key == null) {
            return;
        }
        CompletableFuture<Void> earlier;
        while ((earlier = inFlight.putIfAbsent(key, done)) != null) {
            earlier.join();
        }
    }

    @PreDestroy
    void close() {
        jobThreads.shutdown();
    }
}
