package dev.stylize.deploy;

import static dev.stylize.deploy.Manifests.container;
import static dev.stylize.deploy.Manifests.ofKind;
import static dev.stylize.deploy.Manifests.one;
import static dev.stylize.deploy.Manifests.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.cli.Main;
import dev.stylize.messaging.TopicDefinitions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The gateway's Deployment, Service, NetworkPolicy and (prod) Kafka user and Ingress, rendered from every
 * kustomization, against the application's configuration and kafka-topics/topics.yaml.
 */
class GatewayManifestsTest {
    static final List<String> TARGETS = Manifests.TARGETS;
    static final String GATEWAY = "stylize-gateway";

    static JsonNode gateway(List<JsonNode> docs) {
        return container(one(docs, "Deployment", GATEWAY), "gateway", false)
                .orElseThrow(() -> new AssertionError("no gateway container"));
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void runsTheGatewayCommandProbedWhereTheAppServes(String target) {
        List<JsonNode> docs = render(target);
        JsonNode c = gateway(docs);
        assertEquals(List.of(Main.GATEWAY_PROFILE), Manifests.YAML.convertValue(c.path("args"), List.class));
        Map<String, String> env = Manifests.environment(docs, c);
        int port = Integer.parseInt(Manifests.resolve("quarkus.http.port", env));
        assertEquals("0.0.0.0", Manifests.resolve("quarkus.http.host", env), target);
        assertEquals(port, c.path("ports").get(0).path("containerPort").asInt());
        assertEquals("http", c.path("ports").get(0).path("name").asText());
        Map.of("startupProbe", "/q/health/ready", "readinessProbe", "/q/health/ready", "livenessProbe",
                "/q/health/live").forEach((probe, path) -> {
                    assertEquals(path, c.path(probe).path("httpGet").path("path").asText(), target + ": " + probe);
                    assertEquals("http", c.path(probe).path("httpGet").path("port").asText(), target + ": " + probe);
                });
        assertFalse(c.path("resources").toString().contains("nvidia.com/gpu"), target + ": no GPU");
        assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), target);
        assertTrue(c.path("volumeMounts").toString().contains("\"/tmp\""), target + ": a writable /tmp");
        // The API keys come from a Secret, never a literal; the body limit agrees with the Ingress (prod).
        JsonNode keys = envEntry(c, "STYLIZE_GATEWAY_API_KEYS");
        assertEquals(Manifests.envWithDefault("stylize.gateway.api-keys").getKey(), keys.path("name").asText());
        assertTrue(keys.has("valueFrom") && !keys.has("value"), target + ": keys from a Secret");
        String maxBody = Manifests.resolve("quarkus.http.limits.max-body-size", env);
        for (JsonNode ing : ofKind(docs, "Ingress")) {
            assertEquals(maxBody.toLowerCase(), ing.path("metadata").path("annotations")
                    .path("nginx.ingress.kubernetes.io/proxy-body-size").asText().toLowerCase(), target);
            assertEquals("off", ing.path("metadata").path("annotations")
                    .path("nginx.ingress.kubernetes.io/proxy-buffering").asText(), target + ": SSE unbuffered");
            assertEquals(GATEWAY, ing.path("spec").path("rules").get(0).path("http").path("paths").get(0)
                    .path("backend").path("service").path("name").asText());
        }

        JsonNode svc = one(docs, "Service", GATEWAY);
        assertEquals("http", svc.path("spec").path("ports").get(0).path("targetPort").asText());
        JsonNode labels = one(docs, "Deployment", GATEWAY).path("spec").path("template").path("metadata")
                .path("labels");
        svc.path("spec").path("selector").properties().forEach(e ->
                assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(), target + ": selector"));
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void networkPolicyAllowsHttpInAndOnlyKafkaS3AndDnsOut(String target) {
        JsonNode np = one(render(target), "NetworkPolicy", GATEWAY);
        assertEquals("stylize-gateway", np.path("spec").path("podSelector").path("matchLabels")
                .path("app.kubernetes.io/name").asText());
        Set<Integer> in = new HashSet<>();
        np.path("spec").path("ingress").forEach(r -> r.path("ports").forEach(p -> in.add(p.path("port").asInt())));
        assertEquals(Set.of(8080), in, target);
        Set<Integer> out = new HashSet<>();
        for (JsonNode rule : np.path("spec").path("egress")) {
            assertFalse(rule.path("ports").isEmpty(), target + ": every egress rule names its ports");
            rule.path("ports").forEach(p -> out.add(p.path("port").asInt()));
        }
        assertTrue(out.contains(53) && Set.of(53, 443, 9000, 9092, 9093).containsAll(out), target + ": " + out);
    }

    /**
     * The gateway's topics and groups, like the worker's: it joins no consumer group (every channel of the worker is
     * off in its profile), and its Kafka user may write exactly the requests and control topics and read exactly
     * requests (to know submitted jobs on every instance), progress and results, by the names in topics.yaml, with
     * no group ACL.
     */
    @Test
    void gatewayTopicsAndGroupsMatchKafkaTopics() {
        Properties app = Manifests.appProperties();
        int channels = 0;
        for (String p : app.stringPropertyNames()) {
            if (p.startsWith("mp.messaging.") && p.endsWith(".topic")) {
                String channel = p.substring(0, p.length() - ".topic".length());
                assertEquals("false", app.getProperty("%" + Main.GATEWAY_PROFILE + "." + channel + ".enabled"),
                        "the gateway leaves the worker's channel off: " + channel);
                channels++;
            }
        }
        assertEquals(5, channels);

        TopicDefinitions topics = TopicDefinitions.load(Path.of("kafka-topics/topics.yaml"));
        JsonNode user = one(render("k8s/overlays/prod"), "KafkaUser", GATEWAY);
        Map<String, Set<String>> acl = new HashMap<>();
        for (JsonNode a : user.path("spec").path("authorization").path("acls")) {
            String type = a.path("resource").path("type").asText();
            assertFalse(type.equals("group"), "the gateway reads with assigned partitions, in no group: " + a);
            if (type.equals("topic")) {
                Set<String> ops = acl.computeIfAbsent(a.path("resource").path("name").asText(), k -> new HashSet<>());
                a.path("operations").forEach(o -> ops.add(o.asText()));
            }
        }
        Map<String, Set<String>> expected = Map.of(
                topics.byRole(TopicDefinitions.REQUESTS).name(), Set.of("Write", "Read", "Describe"),
                topics.byRole(TopicDefinitions.CONTROL).name(), Set.of("Write", "Describe"),
                topics.byRole(TopicDefinitions.PROGRESS).name(), Set.of("Read", "Describe"),
                topics.byRole(TopicDefinitions.RESULTS).name(), Set.of("Read", "Describe"));
        assertEquals(expected, acl);
        // Its credentials are its own, mounted like the worker's.
        JsonNode c = gateway(render("k8s/overlays/prod"));
        assertEquals("stylize-gateway-kafka", envEntry(c, "KAFKA_SASL_PASSWORD").path("valueFrom")
                .path("secretKeyRef").path("name").asText());
        assertNull(Manifests.environment(render("k8s/overlays/prod"), c).get("KAFKA_SASL_PASSWORD"));
    }

    static JsonNode envEntry(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name + " in " + container.path("name").asText());
    }
}
