package dev.stylize.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topics of {@code kafka-topics/topics.yaml}: Strimzi {@code KafkaTopic} documents, one per
 * topic, separated by {@code ---}. The application finds a topic by its role (label
 * {@code stylize.dev/role}); the file is packaged into the jar at {@value #RESOURCE}.
 */
public final class TopicDefinitions {
    public static final String RESOURCE = "/kafka-topics/topics.yaml";
    public static final String ROLE_LABEL = "stylize.dev/role";

    public static final String REQUESTS = "requests";
    public static final String PROGRESS = "progress";
    public static final String RESULTS = "results";
    public static final String DLQ = "dlq";
    public static final String CONTROL = "control";

    private final List<TopicDefinition> topics;

    private TopicDefinitions(List<TopicDefinition> topics) {
        this.topics = List.copyOf(topics);
    }

    /** The definitions packaged with the application (classpath {@value #RESOURCE}). */
    public static TopicDefinitions load() {
        try (InputStream in = TopicDefinitions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("topic definitions " + RESOURCE + " are not on the classpath");
            }
            return parse(in, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public static TopicDefinitions load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topic definitions " + file, e);
        }
    }

    static TopicDefinitions parse(InputStream in, String source) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<TopicDefinition> topics = new ArrayList<>();
        Map<String, String> roles = new LinkedHashMap<>();
        try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(in)) {
            int index = 0;
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                index++;
                if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
                    continue; // empty document (e.g. a trailing ---)
                }
                String where = source + " document " + index;
                if (!"KafkaTopic".equals(doc.path("kind").asText())) {
                    throw new IllegalArgumentException(where + ": kind is not KafkaTopic");
                }
                JsonNode spec = doc.path("spec");
                String name = spec.path("topicName").asText(doc.path("metadata").path("name").asText(""));
                String role = doc.path("metadata").path("labels").path(ROLE_LABEL).asText("");
                if (name.isEmpty()) {
                    throw new IllegalArgumentException(where + ": no spec.topicName (nor metadata.name)");
                }
                if (role.isEmpty()) {
                    throw new IllegalArgumentException(where + " (" + name + "): no label " + ROLE_LABEL);
                }
                if (roles.put(role, name) != null) {
                    throw new IllegalArgumentException(where + ": role " + role + " defined twice");
                }
                int partitions = positive(spec, "partitions", where);
                int replicas = positive(spec, "replicas", where);
                Map<String, String> config = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : spec.path("config").properties()) {
                    config.put(e.getKey(), e.getValue().asText());
                }
                topics.add(new TopicDefinition(name, role, partitions, replicas, config));
            }
        }
        if (topics.isEmpty()) {
            throw new IllegalArgumentException(source + ": no KafkaTopic documents");
        }
        return new TopicDefinitions(topics);
    }

    private static int positive(JsonNode spec, String field, String where) {
        JsonNode n = spec.path(field);
        if (!n.canConvertToInt() || n.asInt() < 1) {
            throw new IllegalArgumentException(where + ": spec." + field + " must be a positive integer");
        }
        return n.asInt();
    }

    public List<TopicDefinition> all() {
        return topics;
    }

    /** The topic with this role; an {@link IllegalArgumentException} naming the known roles otherwise. */
    public TopicDefinition byRole(String role) {
        for (TopicDefinition t : topics) {
            if (t.role().equals(role)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no topic with role '" + role + "' (known roles: "
                + topics.stream().map(TopicDefinition::role).toList() + ")");
    }
}
