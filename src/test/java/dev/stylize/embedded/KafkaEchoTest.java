package dev.stylize.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaEchoTest {

    @Test
    void recordsComeBackOnTheOtherTopicWithTheirKeyAndValueUntilClosed(@TempDir Path dir) throws Exception {
        EmbeddedStack stack = SharedStack.get();
        String from = "echo-test-" + UUID.randomUUID();
        String to = from + "-back";
        try (Admin admin = Admin.create(stack.kafkaProperties())) {
            admin.createTopics(List.of(new NewTopic(from, 1, (short) 1), new NewTopic(to, 1, (short) 1))).all().get();
        }
        Properties pp = new Properties();
        pp.put("bootstrap.servers", stack.bootstrapServers());
        Properties cp = new Properties();
        cp.put("bootstrap.servers", stack.bootstrapServers());
        cp.put("auto.offset.reset", "earliest");
        TopicPartition back = new TopicPartition(to, 0);
        KafkaEcho echo = KafkaEcho.start(stack.bootstrapServers(), from, to, dir.resolve("echo.log"));
        try (echo;
                KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(),
                        new StringSerializer());
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.assign(List.of(back));
            // The echo starts at the end of its topic once it runs: send until one comes back.
            ConsumerRecord<String, String> first = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; first == null && System.nanoTime() < deadline; i++) {
                producer.send(new ProducerRecord<>(from, "key-" + i, "value-" + i));
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    first = first == null ? r : first;
                }
            }
            assertTrue(first != null, "nothing came back within 60 s");
            assertEquals(first.key().replace("key-", "value-"), first.value(), "key and value travel together");
            assertTrue(echo.isRunning());
        }
        assertFalse(echo.isRunning(), "closed: the child JVM has exited");
    }
}
