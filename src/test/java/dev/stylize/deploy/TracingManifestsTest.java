package dev.stylize.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

/**
 * Tracing in k8s/: off in every shipped target (the app's default), and on with the optional component
 * k8s/components/tracing, whose collector address the worker and the gateway may reach through their
 * NetworkPolicies.
 */
class TracingManifestsTest {
    static final List<String> TARGETS = Manifests.TARGETS;
    static final Map<String, String> CONTAINERS = Map.of("stylize-worker", "worker", "stylize-gateway", "gateway");

    static JsonNode container(List<JsonNode> docs, String deployment) {
        return Manifests.container(Manifests.one(docs, "Deployment", deployment), CONTAINERS.get(deployment), false)
                .orElseThrow(() -> new AssertionError("no container in " + deployment));
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void tracingIsOffUnlessConfigured(String target) {
        List<JsonNode> docs = Manifests.render(target);
        for (String deployment : CONTAINERS.keySet()) {
            Map<String, String> env = Manifests.environment(docs, container(docs, deployment));
            assertEquals("true", Manifests.resolve("quarkus.otel.sdk.disabled", env), target + " " + deployment);
        }
    }

    @Test
    void theTracingComponentTurnsItOnAndOpensTheWayToTheCollector() throws IOException {
        // An overlay as the component's header tells an operator to write one.
        Path overlay = Files.createDirectories(Path.of("target", "k8s-tracing"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../k8s/overlays/prod
                components:
                  - ../../k8s/components/tracing
                """);
        List<JsonNode> docs = Manifests.render(overlay.toString());
        for (String deployment : CONTAINERS.keySet()) {
            Map<String, String> env = Manifests.environment(docs, container(docs, deployment));
            assertEquals("false", Manifests.resolve("quarkus.otel.sdk.disabled", env), deployment);
            assertEquals("http/protobuf", Manifests.resolve("quarkus.otel.exporter.otlp.protocol", env), deployment);
            URI collector = URI.create(Manifests.resolve("quarkus.otel.exporter.otlp.endpoint", env));
            JsonNode policy = Manifests.one(docs, "NetworkPolicy", deployment);
            boolean open = false;
            for (JsonNode rule : policy.path("spec").path("egress")) {
                for (JsonNode port : rule.path("ports")) {
                    open |= port.path("port").asInt() == collector.getPort();
                }
            }
            assertTrue(open, deployment + " may reach its collector's port " + collector.getPort());
        }
    }
}
