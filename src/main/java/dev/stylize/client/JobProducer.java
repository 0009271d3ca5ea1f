package dev.stylize.client;

import dev.stylize.job.CancelRequest;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.messaging.TopicDefinitions;
import dev.stylize.messaging.TraceHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends requests and cancellations, keyed by job id, to the topics named in topics.yaml. Each send is a
 * producer span (a child of the caller's current span: the gateway's HTTP request, the terminal client's
 * submit) whose context travels in the record's headers to the worker.
 */
public final class JobProducer implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final TopicDefinitions topics;
    private final OpenTelemetry otel;
    private final Tracer tracer;

    public JobProducer(String bootstrap, TopicDefinitions topics, OpenTelemetry otel) {
        this(KafkaClients.producer(bootstrap), topics, otel);
    }

    public JobProducer(Producer<String, byte[]> producer, TopicDefinitions topics, OpenTelemetry otel) {
        this.producer = producer;
        this.topics = topics;
        this.otel = otel;
        this.tracer = otel.getTracer(JobProducer.class.getName());
    }

    public RecordMetadata submit(JobRequest request) throws InterruptedException, ExecutionException {
        return send(TopicDefinitions.REQUESTS, request.jobId(), JobJson.write(request));
    }

    public RecordMetadata cancel(String jobId) throws InterruptedException, ExecutionException {
        return send(TopicDefinitions.CONTROL, jobId, JobJson.write(new CancelRequest(jobId)));
    }

    private RecordMetadata send(String role, String key, byte[] value) throws InterruptedException, ExecutionException {
        String topic = topics.byRole(role).name();
        // Named and attributed as OpenTelemetry's messaging conventions say, like the worker's connector spans.
        Span span = tracer.spanBuilder(topic + " publish").setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation", "publish")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.kafka.message.key", key)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            TraceHeaders.inject(otel, Context.current(), record.headers());
            RecordMetadata meta = producer.send(record).get();
            span.setAttribute("messaging.destination.partition.id", Integer.toString(meta.partition()));
            span.setAttribute("messaging.kafka.offset", meta.offset());
            return meta;
        } catch (ExecutionException | RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
