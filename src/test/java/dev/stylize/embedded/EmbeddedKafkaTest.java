package dev.stylize.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.messaging.TopicDefinition;
import dev.stylize.messaging.TopicDefinitions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {
    private static final TopicDefinitions DEFS = TopicDefinitions.load();

    @Test
    void everyDefinedTopicExistsWithItsPartitionsAndCappedConfigs() throws Exception {
        EmbeddedStack stack = SharedStack.get();
        try (Admin admin = Admin.create(stack.kafkaProperties())) {
            List<String> names = DEFS.all().stream().map(TopicDefinition::name).toList();
            Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            for (TopicDefinition t : DEFS.all()) {
                assertEquals(t.partitions(), d.get(t.name()).partitions().size(), t.name());
                assertEquals(1, d.get(t.name()).partitions().get(0).replicas().size(), t.name());
            }
            ConfigResource results = new ConfigResource(ConfigResource.Type.TOPIC, DEFS.byRole("results").name());
            ConfigResource requests = new ConfigResource(ConfigResource.Type.TOPIC, DEFS.byRole("requests").name());
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(results, requests)).all()
                    .get(30, TimeUnit.SECONDS);
            assertEquals("compact", configs.get(results).get("cleanup.policy").value());
            assertEquals("3600000", configs.get(results).get("min.compaction.lag.ms").value());
            assertEquals("1", configs.get(results).get("min.insync.replicas").value());
            assertEquals("delete", configs.get(requests).get("cleanup.policy").value());
            assertEquals("604800000", configs.get(requests).get("retention.ms").value());
        }
    }

    @Test
    void envLinesNameBothServers() {
        EmbeddedStack stack = SharedStack.get();
        List<String> env = stack.envLines();
        assertEquals(4, env.size());
        assertEquals("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + stack.broker().port(), env.get(0));
        assertEquals("S3_ENDPOINT=http://127.0.0.1:" + stack.s3().port(), env.get(1));
        assertTrue(env.get(2).startsWith("S3_ACCESS_KEY=") && env.get(2).length() > "S3_ACCESS_KEY=".length());
        assertTrue(env.get(3).startsWith("S3_SECRET_KEY=") && env.get(3).length() > "S3_SECRET_KEY=".length());
    }

    @Test
    void keyedRecordIsConsumedBackAndSurvivesABrokerRestart() throws Exception {
        EmbeddedStack stack = SharedStack.get();
        String topic = DEFS.byRole("requests").name();
        String key = "job-" + UUID.randomUUID();
        String value = "{\"hello\":\"" + key + "\"}";
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(stack))) {
            sent = producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
        TopicPartition tp = new TopicPartition(topic, sent.partition());
        ConsumerRecord<String, String> got = readAt(stack, tp, sent.offset());
        assertEquals(key, got.key());
        assertEquals(value, got.value());

        // Same key, same partition (the default partitioner hashes the key).
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(stack))) {
            assertEquals(sent.partition(), producer.send(new ProducerRecord<>(topic, key, "again"))
                    .get(30, TimeUnit.SECONDS).partition());
        }

        int port = stack.broker().port();
        long t0 = System.nanoTime();
        stack.broker().restart();
        System.out.printf("[kafka] restart (controlled stop + start) %d ms, start part %d ms%n",
                (System.nanoTime() - t0) / 1_000_000, stack.broker().lastStartMillis());
        assertTrue(stack.broker().isRunning());
        assertEquals(port, stack.broker().port());

        try (Admin admin = Admin.create(stack.kafkaProperties())) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (TopicDefinition t : DEFS.all()) {
                assertTrue(names.contains(t.name()), t.name() + " after restart: " + names);
            }
        }
        ConsumerRecord<String, String> again = readAt(stack, tp, sent.offset());
        assertEquals(key, again.key());
        assertEquals(value, again.value());

        // SIGKILL (no controlled shutdown), then start again: acknowledged records survive.
        RecordMetadata beforeKill;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(stack))) {
            beforeKill = producer.send(new ProducerRecord<>(topic, key, "before-kill")).get(30, TimeUnit.SECONDS);
        }
        stack.broker().kill();
        assertFalse(stack.broker().isRunning());
        t0 = System.nanoTime();
        stack.broker().restart();
        System.out.printf("[kafka] start after SIGKILL %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals("before-kill", readAt(stack, new TopicPartition(topic, beforeKill.partition()),
                beforeKill.offset()).value());
    }

    @Test
    void consumerGroupReceivesARecord() throws Exception {
        EmbeddedStack stack = SharedStack.get();
        String topic = DEFS.byRole("control").name();
        String key = "ctl-" + UUID.randomUUID();
        Properties c = consumerProps(stack);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c);
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(stack))) {
            consumer.subscribe(List.of(topic));
            producer.send(new ProducerRecord<>(topic, key, "cancel")).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> keys = new ArrayList<>();
            while (!keys.contains(key) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
            assertTrue(keys.contains(key), "group consumer saw " + keys);
            consumer.commitSync();
        }
    }

    private static ConsumerRecord<String, String> readAt(EmbeddedStack stack, TopicPartition tp, long offset) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(stack))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record at " + tp + "@" + offset);
    }

    private static Properties producerProps(EmbeddedStack stack) {
        Properties p = stack.kafkaProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private static Properties consumerProps(EmbeddedStack stack) {
        Properties p = stack.kafkaProperties();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
