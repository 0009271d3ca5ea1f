package dev.stylize.client;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The terminal client's OpenTelemetry: off (a no-op, no trace header on the records) unless the environment
 * says {@code OTEL_SDK_DISABLED=false}, as for the worker and the gateway; then the SDK's standard variables
 * apply ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_SERVICE_NAME} defaulting to
 * {@value #SERVICE_NAME}, …), over OTLP/HTTP only. Closing it flushes the spans not yet exported.
 */
public final class ClientTracing implements AutoCloseable {
    static final String SERVICE_NAME = "stylize-cli";
    static final String HTTP_PROTOBUF = "http/protobuf";
    static final String DEFAULT_ENDPOINT = "http://localhost:4318";
    private final OpenTelemetry otel;
    private final OpenTelemetrySdk sdk;

    private ClientTracing(OpenTelemetry otel, OpenTelemetrySdk sdk) {
        this.otel = otel;
        this.sdk = sdk;
    }

    public static ClientTracing fromEnv(Map<String, String> env) {
        if (!"false".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "true").trim())) {
            return new ClientTracing(OpenTelemetry.noop(), null);
        }
        String protocol = env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                env.getOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL", HTTP_PROTOBUF));
        if (!protocol.equals(HTTP_PROTOBUF)) {
            throw new IllegalArgumentException("the terminal client exports traces over OTLP/HTTP only: set "
                    + "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (and the collector's HTTP port, 4318 by default), not "
                    + protocol);
        }
        // Quarkus drops the exporters' autoconfigure registrations from the jar: the span exporter is built here.
        Map<String, String> defaults = Map.of("otel.service.name", SERVICE_NAME, "otel.traces.exporter", "none",
                "otel.metrics.exporter", "none", "otel.logs.exporter", "none");
        Map<String, String> given = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_") && !k.equals("OTEL_TRACES_EXPORTER")) {
                given.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesCustomizer(config -> given)
                .addTracerProviderCustomizer((tracers, config) -> tracers.addSpanProcessor(
                        BatchSpanProcessor.builder(exporter(config)).build()))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        return new ClientTracing(sdk, sdk);
    }

    /** OTLP over HTTP (protobuf), the default protocol of the worker and the gateway too. */
    static SpanExporter exporter(ConfigProperties config) {
        String endpoint = config.getString("otel.exporter.otlp.traces.endpoint");
        if (endpoint == null) {
            // The signal-independent endpoint gets the signal's path, as the OTLP exporter specification says.
            String base = config.getString("otel.exporter.otlp.endpoint", DEFAULT_ENDPOINT);
            endpoint = (base.endsWith("/") ? base : base + "/") + "v1/traces";
        }
        return OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
    }

    public OpenTelemetry openTelemetry() {
        return otel;
    }

    public boolean enabled() {
        return sdk != null;
    }

    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }
}
