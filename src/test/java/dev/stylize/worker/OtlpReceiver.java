package dev.stylize.worker;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A trace collector for tests: OTLP over HTTP with protobuf bodies (what the services' exporters send with
 * {@code OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf}), decoded with the protocol's own classes, kept in memory.
 */
final class OtlpReceiver implements AutoCloseable {
    /** One received span; ids in lower-case hex, parent "" for a root. */
    record ReceivedSpan(String service, String traceId, String spanId, String parentId, String name, String kind,
            long startNanos, long endNanos, Map<String, String> attributes) {}

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream raw = exchange.getRequestBody()) {
                String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
                InputStream body = "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(raw) : raw;
                collect(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
                byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                exchange.getResponseBody().write(ok);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The environment that sends a service's (or the terminal client's) spans here, quickly. */
    Map<String, String> env() {
        return Map.of("OTEL_SDK_DISABLED", "false", "OTEL_EXPORTER_OTLP_ENDPOINT", endpoint(),
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms",
                "OTEL_BSP_SCHEDULE_DELAY", "200");
    }

    private void collect(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            String service = attributes(rs.getResource().getAttributesList()).getOrDefault("service.name", "");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
                    spans.add(new ReceivedSpan(service, hex.formatHex(s.getTraceId().toByteArray()),
                            hex.formatHex(s.getSpanId().toByteArray()), hex.formatHex(s.getParentSpanId().toByteArray()),
                            s.getName(), s.getKind().name(), s.getStartTimeUnixNano(), s.getEndTimeUnixNano(),
                            attributes(s.getAttributesList())));
                }
            }
        }
    }

    private static Map<String, String> attributes(List<KeyValue> kvs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            var v = kv.getValue();
            m.put(kv.getKey(), v.hasStringValue() ? v.getStringValue() : v.hasIntValue() ? Long.toString(v.getIntValue())
                    : v.hasBoolValue() ? Boolean.toString(v.getBoolValue()) : v.toString());
        }
        return m;
    }

    List<ReceivedSpan> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** Waits until the trace holds a span matching {@code wanted}; fails with what arrived. */
    ReceivedSpan await(String traceId, String what, Predicate<ReceivedSpan> wanted) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            for (ReceivedSpan s : trace(traceId)) {
                if (wanted.test(s)) {
                    return s;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no span " + what + " in trace " + traceId + "; received:\n" + describe(traceId));
    }

    String describe(String traceId) {
        StringBuilder b = new StringBuilder();
        for (ReceivedSpan s : trace(traceId)) {
            b.append("  ").append(s.service()).append(' ').append(s.kind()).append(" '").append(s.name()).append("' ")
                    .append(s.spanId()).append(" <- ").append(s.parentId()).append(' ').append(s.attributes())
                    .append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
