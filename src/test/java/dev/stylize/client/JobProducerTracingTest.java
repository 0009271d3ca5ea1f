package dev.stylize.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.messaging.TopicDefinitions;
import dev.stylize.messaging.TraceHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The trace context a request record carries: the producer span's, below the caller's; none with tracing off. */
class JobProducerTracingTest {
    final InMemorySpanExporter exported = InMemorySpanExporter.create();
    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    static MockProducer<String, byte[]> broker() {
        return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Test
    void aCancellationCarriesItsProducerSpanBelowTheCallersSpan() throws Exception {
        MockProducer<String, byte[]> broker = broker();
        Span caller = sdk.getTracer("test").spanBuilder("caller").startSpan();
        try (Scope ignored = caller.makeCurrent(); JobProducer producer = new JobProducer(broker, TopicDefinitions.load(), sdk)) {
            producer.cancel("job-1");
        } finally {
            caller.end();
        }
        ProducerRecord<String, byte[]> sent = broker.history().get(0);
        String traceparent = new String(sent.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8);
        SpanData publish = exported.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst().orElseThrow();
        assertEquals("stylize.control publish", publish.getName());
        assertEquals(caller.getSpanContext().getSpanId(), publish.getParentSpanId());
        assertEquals("job-1", publish.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("messaging.kafka.message.key")).findFirst().orElseThrow().getValue());
        assertEquals("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-01", traceparent);
        // What the worker reads back from the record: the producer span as the parent of its job span.
        SpanContext read = Span.fromContext(TraceHeaders.extract(sdk, Context.root(), sent.headers())).getSpanContext();
        assertEquals(publish.getSpanId(), read.getSpanId());
        assertTrue(read.isRemote());
    }

    @Test
    void withTracingOffNoHeaderIsWritten() throws Exception {
        MockProducer<String, byte[]> broker = broker();
        ClientTracing off = ClientTracing.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"));
        assertFalse(off.enabled(), "an endpoint alone does not turn tracing on: OTEL_SDK_DISABLED=false does");
        try (JobProducer producer = new JobProducer(broker, TopicDefinitions.load(), off.openTelemetry())) {
            producer.cancel("job-2");
        }
        assertNull(broker.history().get(0).headers().lastHeader("traceparent"));
        assertEquals(OpenTelemetry.noop(), off.openTelemetry());
    }

    @Test
    void theClientExportsOverHttpToTheSignalsPath() {
        try (ClientTracing on = ClientTracing.fromEnv(Map.of("OTEL_SDK_DISABLED", "false",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))) {
            assertTrue(on.enabled());
            assertTrue(on.openTelemetry().getTracer("t").spanBuilder("s").startSpan().getSpanContext().isValid());
        }
        IllegalArgumentException grpc = assertThrows(IllegalArgumentException.class, () -> ClientTracing.fromEnv(
                Map.of("OTEL_SDK_DISABLED", "false", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        assertTrue(grpc.getMessage().contains("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"), grpc.getMessage());
    }
}
