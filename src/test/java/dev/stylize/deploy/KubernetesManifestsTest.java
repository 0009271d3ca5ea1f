package dev.stylize.deploy;

import static dev.stylize.deploy.Manifests.container;
import static dev.stylize.deploy.Manifests.environment;
import static dev.stylize.deploy.Manifests.ofKind;
import static dev.stylize.deploy.Manifests.one;
import static dev.stylize.deploy.Manifests.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.messaging.TopicDefinition;
import dev.stylize.messaging.TopicDefinitions;
import dev.stylize.worker.WorkerConfig;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

/**
 * Every kustomization under k8s/, rendered with {@code kubectl kustomize}, against the application's
 * own configuration (application.properties, WorkerConfig) and kafka-topics/topics.yaml.
 */
class KubernetesManifestsTest {
    static final List<String> TARGETS = Manifests.TARGETS;
    static final String WORKER = "stylize-worker";
    /** After the last job: offset commit, result publish, consumer leave, session close. */
    static final long MIN_DRAIN_SECONDS = 60;

    static JsonNode deployment(List<JsonNode> docs) {
        return one(docs, "Deployment", WORKER);
    }

    static JsonNode worker(List<JsonNode> docs) {
        return container(deployment(docs), "worker", false).orElseThrow(() -> new AssertionError("no worker container"));
    }

    static Map<String, String> workerEnv(List<JsonNode> docs) {
        return environment(docs, worker(docs));
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void gpuLimitMatchesTheProvider(String target) {
        List<JsonNode> docs = render(target);
        JsonNode resources = worker(docs).path("resources");
        // Unset: each component's provider from the manifest (GPU); "cpu": everything on the CPU.
        String provider = workerEnv(docs).getOrDefault("STYLIZE_PROVIDER", "manifest");
        boolean gpu = resources.path("limits").has("nvidia.com/gpu");
        if (!provider.equals("cpu")) {
            assertEquals(1, resources.path("limits").path("nvidia.com/gpu").asInt(), target + ": one GPU per pod");
            assertEquals(1, resources.path("requests").path("nvidia.com/gpu").asInt(1), target);
            JsonNode spec = deployment(docs).path("spec").path("template").path("spec");
            assertTrue(spec.path("tolerations").toString().contains("nvidia.com/gpu"), target + ": GPU toleration");
            assertFalse(spec.path("nodeSelector").isEmpty(), target + ": GPU node selector");
            assertEquals("1", workerEnv(docs).get("STYLIZE_SLOTS"), "one job per GPU");
        } else {
            assertFalse(gpu, target + ": a CPU worker asks for no GPU");
        }
        assertTrue(resources.path("limits").has("memory"), target + ": memory limit");
        if (target.endsWith("prod")) {
            assertTrue(gpu, "prod runs on GPUs");
        }
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void gracePeriodCoversTheLongestJobAndTheDrain(String target) throws Exception {
        List<JsonNode> docs = render(target);
        Map<String, String> env = workerEnv(docs);
        long maxJobMs = Long.parseLong(Manifests.resolve("stylize.max-job-ms", env));
        String graceDefault = WorkerConfig.class.getMethod("shutdownGrace").getAnnotation(WithDefault.class).value();
        Duration shutdownGrace = Duration.parse(env.getOrDefault("STYLIZE_SHUTDOWN_GRACE", graceDefault));
        JsonNode pod = deployment(docs).path("spec").path("template").path("spec");
        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        long preStop = preStopSeconds(worker(docs));

        assertTrue(grace >= maxJobMs / 1000 + preStop + MIN_DRAIN_SECONDS, target + ": terminationGracePeriodSeconds "
                + grace + " < max job " + maxJobMs / 1000 + " s + preStop " + preStop + " s + drain " + MIN_DRAIN_SECONDS);
        assertTrue(grace >= shutdownGrace.toSeconds() + preStop + MIN_DRAIN_SECONDS, target + ": grace " + grace
                + " < STYLIZE_SHUTDOWN_GRACE " + shutdownGrace + " + preStop + drain: the kubelet would kill the drain");
        assertTrue(shutdownGrace.toMillis() >= maxJobMs, target + ": STYLIZE_SHUTDOWN_GRACE " + shutdownGrace
                + " shorter than the longest job: a scale-down would cancel running jobs");
        // The Kafka liveness check allows a record up to the max job time (application.properties).
        assertEquals("${stylize.max-job-ms}", Manifests.appProperties()
                .getProperty("mp.messaging.incoming.requests.throttled.unprocessed-record-max-age.ms"));
    }

    static long preStopSeconds(JsonNode container) {
        JsonNode preStop = container.path("lifecycle").path("preStop");
        assertFalse(preStop.isMissingNode(), "worker has a preStop hook");
        if (preStop.has("sleep")) {
            return preStop.path("sleep").path("seconds").asLong();
        }
        List<String> cmd = new ArrayList<>();
        preStop.path("exec").path("command").forEach(c -> cmd.add(c.asText()));
        assertEquals(2, cmd.size(), "preStop is `sleep N`: " + cmd);
        assertEquals("sleep", cmd.get(0));
        return Long.parseLong(cmd.get(1));
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void kedaWatchesTheWorkersGroupOnTheRequestsTopic(String target) {
        List<JsonNode> docs = render(target);
        Properties app = Manifests.appProperties();
        Map<String, String> env = workerEnv(docs);
        TopicDefinition requests = TopicDefinitions.load(Path.of("kafka-topics/topics.yaml"))
                .byRole(TopicDefinitions.REQUESTS);

        JsonNode so = one(docs, "ScaledObject", WORKER);
        assertEquals("Deployment", so.path("spec").path("scaleTargetRef").path("kind").asText("Deployment"));
        assertEquals(WORKER, so.path("spec").path("scaleTargetRef").path("name").asText());
        JsonNode triggers = so.path("spec").path("triggers");
        assertEquals(1, triggers.size(), "one trigger");
        JsonNode t = triggers.get(0);
        assertEquals("kafka", t.path("type").asText());
        JsonNode m = t.path("metadata");

        // topic: KEDA = app = kafka-topics
        assertEquals(requests.name(), app.getProperty("mp.messaging.incoming.requests.topic"));
        assertEquals(requests.name(), m.path("topic").asText(), target + ": KEDA topic");
        // group: KEDA = what the app resolves from the pod's environment
        String appGroup = Manifests.resolve("mp.messaging.incoming.requests.group.id", env);
        assertEquals(appGroup, m.path("consumerGroup").asText(), target + ": KEDA consumer group");
        // bootstrap: KEDA = the pod's KAFKA_BOOTSTRAP_SERVERS
        assertEquals(Manifests.resolve("kafka.bootstrap.servers", env), m.path("bootstrapServers").asText(), target);
        assertEquals(app.getProperty("mp.messaging.incoming.requests.auto.offset.reset"),
                m.path("offsetResetPolicy").asText(), "a group without offsets counts lag as the consumer would read");

        // One job per pod; zero when idle; never more pods than partitions.
        int slots = Integer.parseInt(Manifests.resolve("stylize.slots", env));
        assertEquals(slots, m.path("lagThreshold").asInt(), "lagThreshold = jobs in flight per pod");
        assertEquals(0, so.path("spec").path("minReplicaCount").asInt(-1), target + ": scales to zero");
        int max = so.path("spec").path("maxReplicaCount").asInt(100);
        assertTrue(max >= 1 && max <= requests.partitions(), target + ": maxReplicaCount " + max + " > partitions");
        assertEquals("false", m.path("allowIdleConsumers").asText("false"));
        // Scale-down: no faster than one pod per period, after a stabilisation window.
        JsonNode down = so.path("spec").path("advanced").path("horizontalPodAutoscalerConfig").path("behavior")
                .path("scaleDown");
        assertTrue(down.path("stabilizationWindowSeconds").asInt() >= 300, "scale-down stabilisation");
        for (JsonNode p : down.path("policies")) {
            assertTrue(p.path("type").asText().equals("Pods") && p.path("value").asInt() == 1, "one pod at a time: " + p);
        }
        assertTrue(so.path("spec").path("cooldownPeriod").asInt() >= 60, "cooldown before scaling to zero");

        // SASL/TLS on the worker => the trigger authenticates the same way.
        String protocol = env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
        if (protocol.startsWith("SASL")) {
            String ref = t.path("authenticationRef").path("name").asText();
            assertFalse(ref.isEmpty(), target + ": SASL needs a TriggerAuthentication");
            JsonNode auth = one(docs, "TriggerAuthentication", ref);
            Set<String> params = new HashSet<>();
            auth.path("spec").path("secretTargetRef").forEach(s -> params.add(s.path("parameter").asText()));
            assertTrue(params.containsAll(Set.of("username", "password")), "credentials from a Secret: " + params);
            assertTrue(m.path("sasl").asText().startsWith("scram") || m.path("sasl").asText().equals("plaintext"));
            assertEquals(env.get("KAFKA_SASL_MECHANISM").toLowerCase().replace("scram-sha-", "scram_sha"),
                    m.path("sasl").asText(), "KEDA names SCRAM-SHA-512 scram_sha512");
        }
        if (protocol.endsWith("SSL")) {
            assertEquals("enable", m.path("tls").asText(), target + ": TLS on the trigger too");
        }
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void probesHitTheEndpointsTheAppServes(String target) {
        List<JsonNode> docs = render(target);
        JsonNode c = worker(docs);
        Map<String, String> env = workerEnv(docs);
        Properties app = Manifests.appProperties();
        // Quarkus' health and metrics paths: no custom root paths configured.
        for (String p : app.stringPropertyNames()) {
            // Switching a check on or off (quarkus.smallrye-health.check."<class>".enabled) changes no path.
            assertFalse(p.contains("root-path") || p.startsWith("quarkus.smallrye-health.")
                    && !p.startsWith("quarkus.smallrye-health.check.") || p.startsWith(
                    "quarkus.micrometer.export.prometheus.path"), "a custom path would change the probes: " + p);
        }
        int port = Integer.parseInt(Manifests.resolve("quarkus.http.port", env));
        assertEquals("0.0.0.0", Manifests.resolve("quarkus.http.host", env), target + ": the kubelet probes the pod IP");
        JsonNode http = null;
        for (JsonNode p : c.path("ports")) {
            if (p.path("name").asText().equals("http")) {
                http = p;
            }
        }
        assertNotNull(http, "a port named http");
        assertEquals(port, http.path("containerPort").asInt(), target + ": containerPort = the app's HTTP port");
        Map<String, String> probes = Map.of("startupProbe", "/q/health/ready", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live");
        probes.forEach((probe, path) -> {
            JsonNode get = c.path(probe).path("httpGet");
            assertEquals(path, get.path("path").asText(), target + ": " + probe);
            String p = get.path("port").asText();
            assertTrue(p.equals("http") || p.equals(Integer.toString(port)), target + ": " + probe + " port " + p);
        });
        JsonNode startup = c.path("startupProbe");
        long startupBudget = startup.path("periodSeconds").asLong(10) * startup.path("failureThreshold").asLong(3);
        assertTrue(startupBudget >= (target.endsWith("dev") ? 300 : 1200), target
                + ": startup probe allows model load and TensorRT builds: " + startupBudget + " s");
        for (JsonNode sm : ofKind(docs, "ServiceMonitor")) {
            JsonNode ep = sm.path("spec").path("endpoints").get(0);
            assertEquals("/q/metrics", ep.path("path").asText());
            JsonNode svc = one(docs, "Service", WORKER);
            assertEquals(ep.path("port").asText(), svc.path("spec").path("ports").get(0).path("name").asText());
            assertEquals("http", svc.path("spec").path("ports").get(0).path("targetPort").asText());
        }
        if (target.endsWith("prod") || target.endsWith("base")) {
            assertEquals(1, ofKind(docs, "ServiceMonitor").size(), target + ": metrics are scraped");
        }
    }

    private static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET|PASSWORD|PASSWD|ACCESS_KEY|JAAS|TOKEN|"
            + "CREDENTIAL|PRIVATE).*", Pattern.CASE_INSENSITIVE);
    private static final Pattern SECRET_TEXT = Pattern.compile("(?i)(-----BEGIN|AKIA[0-9A-Z]{16}|minioadmin|"
            + "password\\s*=\\s*\"[^$\"]|secret[_-]?key\\s*[:=]\\s*[A-Za-z0-9/+]{8})");

    @ParameterizedTest
    @FieldSource("TARGETS")
    void noSecretValuesInPlainManifests(String target) throws Exception {
        List<JsonNode> docs = render(target);
        assertTrue(ofKind(docs, "Secret").isEmpty(), target + ": Secrets are created out of band, never rendered");
        for (JsonNode cm : ofKind(docs, "ConfigMap")) {
            cm.path("data").properties().forEach(e -> assertFalse(SECRET_NAME.matcher(e.getKey()).matches(),
                    target + ": secret-like key in ConfigMap " + cm.path("metadata").path("name").asText() + ": "
                            + e.getKey()));
        }
        for (JsonNode d : docs) {
            for (String kind : List.of("containers", "initContainers")) {
                for (JsonNode c : d.path("spec").path("template").path("spec").path(kind)) {
                    Set<String> fromSecrets = new HashSet<>();
                    for (JsonNode e : c.path("env")) {
                        if (e.path("valueFrom").has("secretKeyRef")) {
                            fromSecrets.add(e.path("name").asText());
                        }
                    }
                    for (JsonNode e : c.path("env")) {
                        String name = e.path("name").asText();
                        if (!SECRET_NAME.matcher(name).matches() || fromSecrets.contains(name)) {
                            continue;
                        }
                        // Only references to secret-backed variables, e.g. a JAAS line built from $(PASSWORD).
                        String value = e.path("value").asText("");
                        for (var m = Pattern.compile("password=\"([^\"]*)\"").matcher(value); m.find(); ) {
                            String ref = m.group(1);
                            assertTrue(ref.startsWith("$(") && fromSecrets.contains(ref.substring(2, ref.length() - 1)),
                                    target + ": " + name + " holds a literal password");
                        }
                        assertFalse(value.isEmpty() && !e.has("valueFrom"), target + ": " + name + " is empty");
                        assertTrue(e.has("valueFrom") || value.contains("$("), target + ": " + name
                                + " must come from a secretKeyRef");
                    }
                }
            }
            if (d.path("kind").asText().equals("ScaledObject")) {
                for (JsonNode t : d.path("spec").path("triggers")) {
                    for (String key : List.of("password", "username", "ca", "cert", "key")) {
                        assertFalse(t.path("metadata").has(key), target + ": trigger metadata." + key
                                + " belongs in a TriggerAuthentication");
                    }
                }
            }
        }
        String text = Manifests.YAML.writeValueAsString(docs);
        assertFalse(SECRET_TEXT.matcher(text).find(), target + ": secret-looking text: "
                + SECRET_TEXT.matcher(text).results().map(r -> r.group()).toList());
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void readOnlyRootFilesystemWithWritableTemp(String target) {
        List<JsonNode> docs = render(target);
        int checked = 0;
        for (JsonNode d : docs) {
            JsonNode pod = d.path("spec").path("template").path("spec");
            for (String kind : List.of("containers", "initContainers")) {
                for (JsonNode c : pod.path(kind)) {
                    if (!c.path("image").asText().contains("stylize-worker")) {
                        continue; // third-party dev services (Kafka, MinIO) keep their images' defaults
                    }
                    checked++;
                    String where = target + " " + d.path("metadata").path("name").asText() + "/" + c.path("name").asText();
                    JsonNode sc = c.path("securityContext");
                    assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), where + ": read-only root");
                    assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), where + ": no privilege escalation");
                    assertTrue(sc.path("capabilities").path("drop").toString().contains("ALL"), where);
                    assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean()
                            || sc.path("runAsNonRoot").asBoolean(), where + ": non-root");
                    String tmpVolume = null;
                    for (JsonNode vm : c.path("volumeMounts")) {
                        if (vm.path("mountPath").asText().equals("/tmp")) {
                            assertFalse(vm.path("readOnly").asBoolean(), where + ": /tmp writable");
                            tmpVolume = vm.path("name").asText();
                        }
                    }
                    assertNotNull(tmpVolume, where + ": /tmp is mounted");
                    JsonNode vol = null;
                    for (JsonNode v : pod.path("volumes")) {
                        if (v.path("name").asText().equals(tmpVolume)) {
                            vol = v;
                        }
                    }
                    assertNotNull(vol, where + ": volume " + tmpVolume);
                    assertTrue(vol.has("emptyDir"), where + ": /tmp is an emptyDir");
                    if (d.path("kind").asText().equals("Deployment")) {
                        assertTrue(vol.path("emptyDir").has("sizeLimit"), where + ": /tmp is sized");
                        Map<String, String> env = environment(docs, c);
                        assertEquals("true", env.get("DJL_OFFLINE"), where + ": DJL offline");
                        assertTrue(String.join(" ", texts(c.path("command"))).contains("-Djava.io.tmpdir=/tmp"), where);
                    }
                }
            }
        }
        assertTrue(checked >= 2, target + ": the worker and its init container were checked");
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void initContainerPullsTheModelsTheWorkerLoads(String target) {
        List<JsonNode> docs = render(target);
        JsonNode init = container(deployment(docs), "models-pull", true).orElseThrow();
        List<String> args = texts(init.path("args"));
        assertEquals(List.of("models", "pull", "--from", "$(STYLIZE_MODELS_SOURCE)", "--to"), args.subList(0, 5));
        String dir = args.get(5);
        assertEquals(dir, workerEnv(docs).get("STYLIZE_MODELS"), "the worker loads what the init container pulled");
        assertTrue(environment(docs, init).get("STYLIZE_MODELS_SOURCE").startsWith("s3://"));
        assertEquals(texts(worker(docs).path("command")), texts(init.path("command")), "same image entry point");
        assertEquals(List.of("serve"), texts(worker(docs).path("args")));
        // The pull target is a subdirectory of the volume (it is renamed into place).
        boolean mounted = false;
        for (JsonNode vm : init.path("volumeMounts")) {
            String mp = vm.path("mountPath").asText();
            if (dir.startsWith(mp + "/") && !dir.equals(mp)) {
                mounted = true;
            }
        }
        assertTrue(mounted, target + ": " + dir + " lies below a mounted volume");
    }

    @Test
    void prodIncludesTheStrimziTopicsAsDefined() {
        List<JsonNode> docs = render("k8s/overlays/prod");
        TopicDefinitions defs = TopicDefinitions.load(Path.of("kafka-topics/topics.yaml"));
        List<JsonNode> topics = ofKind(docs, "KafkaTopic");
        assertEquals(defs.all().size(), topics.size());
        for (TopicDefinition t : defs.all()) {
            JsonNode kt = one(docs, "KafkaTopic", t.name());
            assertEquals(t.partitions(), kt.path("spec").path("partitions").asInt());
            assertEquals(t.replicas(), kt.path("spec").path("replicas").asInt());
            assertFalse(kt.path("metadata").path("namespace").asText().isEmpty());
        }
        // One NetworkPolicy for the worker, one for the gateway (GatewayManifestsTest).
        assertTrue(ofKind(docs, "PodDisruptionBudget").size() == 1 && ofKind(docs, "NetworkPolicy").size() == 2);
        assertFalse(one(docs, "Deployment", WORKER).path("spec").has("replicas"), "KEDA owns the replica count");
    }

    @Test
    void networkPolicyAllowsOnlyKafkaS3AndDns() {
        for (String target : TARGETS) {
            JsonNode np = one(render(target), "NetworkPolicy", WORKER);
            List<String> types = texts(np.path("spec").path("policyTypes"));
            assertTrue(types.contains("Egress") && types.contains("Ingress"), target);
            Set<Integer> ports = new HashSet<>();
            for (JsonNode rule : np.path("spec").path("egress")) {
                assertFalse(rule.path("ports").isEmpty(), target + ": every egress rule names its ports");
                rule.path("ports").forEach(p -> ports.add(p.path("port").asInt()));
            }
            assertTrue(ports.contains(53), target + ": DNS");
            assertTrue(Set.of(53, 443, 9000, 9092, 9093).containsAll(ports), target + ": egress only to DNS, Kafka, S3: "
                    + ports);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
