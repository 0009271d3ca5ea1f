package dev.stylize.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A child JVM that copies each record of partition 0 of one topic to another topic, as it arrives: a benchmark
 * times through it the two Kafka deliveries of a job (request into the worker's process, result out of it), which
 * cost more between processes than within one.
 */
public final class KafkaEcho implements AutoCloseable {
    private static final long STOP_GRACE_MILLIS = 5_000;
    private final Process process;

    private KafkaEcho(Process process) {
        this.process = process;
    }

    /** Starts copying {@code from} (partition 0, from its end) to {@code to}; the child's output goes to {@code log}. */
    public static KafkaEcho start(String bootstrapServers, String from, String to, Path log) {
        try {
            return new KafkaEcho(ChildProcesses.launch(ChildProcesses.applicationClasspath(),
                    List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"), KafkaEcho.class.getName(),
                    List.of(bootstrapServers, from, to), log, log.toAbsolutePath().getParent()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka echo process", e);
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        ChildProcesses.terminate(process, STOP_GRACE_MILLIS);
    }

    /** {@code KafkaEcho BOOTSTRAP FROM TO}: runs until killed. */
    public static void main(String[] args) {
        Properties consumer = new Properties();
        consumer.put("bootstrap.servers", args[0]);
        Properties producer = new Properties();
        producer.put("bootstrap.servers", args[0]);
        producer.put("acks", "all"); // as the worker publishes results
        producer.put("linger.ms", "0");
        TopicPartition in = new TopicPartition(args[1], 0);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producer, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            c.assign(List.of(in));
            c.seekToEnd(List.of(in));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    p.send(new ProducerRecord<>(args[2], r.key(), r.value()));
                }
            }
        }
    }
}
