package dev.stylize.client;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The client's Kafka producer and consumer: String keys (job ids), JSON bytes as values. */
public final class KafkaClients {
    private KafkaClients() {}

    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("client.id", "stylize-cli");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** No group: the client assigns itself the partitions it reads and commits nothing. */
    public static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        p.put("client.id", "stylize-cli");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A group-less consumer over {@code settings} (a service's {@code kafka.*} configuration: bootstrap servers,
     * SASL/TLS), with the client's serdes; {@code group.id} is dropped, offsets are never committed.
     */
    public static KafkaConsumer<String, byte[]> consumer(Map<String, Object> settings, String clientId) {
        Map<String, Object> p = new HashMap<>(settings);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        p.put("client.id", clientId);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A producer over a service's {@code kafka.*} configuration (see {@link #consumer(Map, String)}). */
    public static KafkaProducer<String, byte[]> producer(Map<String, ?> settings, String clientId) {
        Map<String, Object> p = new HashMap<>(settings);
        p.put("acks", "all");
        p.put("client.id", clientId);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
