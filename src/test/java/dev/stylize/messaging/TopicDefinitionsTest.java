package dev.stylize.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicDefinitionsTest {
    @Test
    void packagedDefinitionsHaveEveryRole() {
        TopicDefinitions defs = TopicDefinitions.load();
        assertEquals(List.of("stylize.requests", "stylize.progress", "stylize.results", "stylize.requests.dlq",
                "stylize.control"), defs.all().stream().map(TopicDefinition::name).toList());
        assertEquals("stylize.requests", defs.byRole(TopicDefinitions.REQUESTS).name());
        assertEquals("stylize.progress", defs.byRole(TopicDefinitions.PROGRESS).name());
        assertEquals("stylize.results", defs.byRole(TopicDefinitions.RESULTS).name());
        assertEquals("stylize.requests.dlq", defs.byRole(TopicDefinitions.DLQ).name());
        assertEquals("stylize.control", defs.byRole(TopicDefinitions.CONTROL).name());
    }

    @Test
    void partitionsReplicasAndConfigs() {
        TopicDefinitions defs = TopicDefinitions.load();
        TopicDefinition requests = defs.byRole("requests");
        assertEquals(64, requests.partitions());
        assertEquals(3, requests.replicas());
        assertEquals("604800000", requests.config().get("retention.ms"));
        assertEquals("2", requests.config().get("min.insync.replicas"));
        assertEquals(16, defs.byRole("progress").partitions());
        assertEquals(16, defs.byRole("results").partitions());
        assertEquals(4, defs.byRole("dlq").partitions());
        assertEquals(1, defs.byRole("control").partitions());

        TopicDefinition results = defs.byRole("results");
        assertTrue(results.compacted());
        assertEquals("compact", results.config().get("cleanup.policy"));
        assertEquals("3600000", results.config().get("min.compaction.lag.ms"));
        assertFalse(requests.compacted());
        assertFalse(defs.byRole("progress").compacted());
    }

    @Test
    void cappedForOneBroker() {
        TopicDefinition results = TopicDefinitions.load().byRole("results").cappedTo(1);
        assertEquals(1, results.replicas());
        assertEquals("1", results.config().get("min.insync.replicas"));
        assertEquals("compact", results.config().get("cleanup.policy"));
        assertEquals(16, results.partitions());
    }

    @Test
    void unknownRoleNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicDefinitions.load().byRole("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        assertTrue(e.getMessage().contains("requests"), e.getMessage());
    }

    @Test
    void loadsTheSourceFileTheSameAsThePackagedOne() {
        Path source = Path.of("kafka-topics", "topics.yaml");
        assertEquals(TopicDefinitions.load().all(), TopicDefinitions.load(source).all());
    }

    @Test
    void rejectsADocumentWithoutRole(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: x
                spec:
                  topicName: x
                  partitions: 1
                  replicas: 1
                ---
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicDefinitions.load(f));
        assertTrue(e.getMessage().contains("stylize.dev/role"), e.getMessage());
    }
}
