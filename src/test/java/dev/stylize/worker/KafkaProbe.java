package dev.stylize.worker;

import dev.stylize.job.JobJson;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.messaging.TopicDefinitions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A test's own Kafka client: submits requests and collects every progress, result and DLQ record. */
final class KafkaProbe implements AutoCloseable {
    final String bootstrap;
    final TopicDefinitions topics = TopicDefinitions.load();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = Collections.synchronizedList(new ArrayList<>());

    KafkaProbe(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        // Requests up to the broker's own limit (about 1 MiB), as any client may send them.
        p.put("max.request.size", Integer.toString(4 << 20));
        // Sent at once (Kafka 4 clients wait 5 ms for a batch by default): latencies measured here are the worker's.
        p.put("linger.ms", "0");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", "probe-" + UUID.randomUUID());
        c.put("auto.offset.reset", "latest");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic("progress"), topic("results"), topic("dlq")));
        // Join the group before anything is produced, so nothing is missed with "latest".
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < end) {
            consumer.poll(Duration.ofMillis(100));
        }
    }

    String topic(String role) {
        return topics.byRole(role).name();
    }

    RecordMetadata submit(String jobId, String json) throws Exception {
        return send(topic("requests"), jobId, json.getBytes(StandardCharsets.UTF_8));
    }

    RecordMetadata send(String topic, String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    /** To one partition, whatever the key hashes to. */
    RecordMetadata send(String topic, int partition, String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
    }

    /** A topic of the test's own (the worker is pointed at it through the channel's topic setting). */
    void createTopic(String name, int partitions) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    /** The member client id owning each partition of {@code topic} in {@code group} (empty while rebalancing). */
    Map<Integer, String> owners(String group, String topic) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<Integer, String> owners = new java.util.TreeMap<>();
            for (var m : admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members()) {
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                    if (tp.topic().equals(topic)) {
                        owners.put(tp.partition(), m.host() + "/" + m.consumerId());
                    }
                }
            }
            return owners;
        }
    }

    void cancel(String jobId) throws Exception {
        send(topic("control"), jobId, ("{\"jobId\":\"" + jobId + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Polls until a record matches or the timeout passes. */
    ConsumerRecord<String, byte[]> await(Predicate<ConsumerRecord<String, byte[]>> match, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            for (ConsumerRecord<String, byte[]> r : seen) {
                if (match.test(r)) {
                    return r;
                }
            }
        }
        while (System.nanoTime() < end) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                seen.add(r);
                if (match.test(r)) {
                    return r;
                }
            }
        }
        throw new AssertionError("no matching record within " + timeout);
    }

    /** Keeps polling for {@code d}, collecting records. */
    void drain(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
    }

    ResultEvent awaitResult(String jobId, Duration timeout) {
        return JobJson.parseResult(await(r -> r.topic().equals(topic("results")) && jobId.equals(r.key()), timeout).value());
    }

    ProgressEvent awaitProgress(String jobId, Predicate<ProgressEvent> match, Duration timeout) {
        return JobJson.parseProgress(await(r -> r.topic().equals(topic("progress")) && jobId.equals(r.key())
                && match.test(JobJson.parseProgress(r.value())), timeout).value());
    }

    List<ResultEvent> results(String jobId) {
        synchronized (seen) {
            return seen.stream().filter(r -> r.topic().equals(topic("results")) && jobId.equals(r.key()))
                    .map(r -> JobJson.parseResult(r.value())).toList();
        }
    }

    List<ConsumerRecord<String, byte[]>> deadLetters(String key) {
        synchronized (seen) {
            return seen.stream().filter(r -> r.topic().equals(topic("dlq")) && java.util.Objects.equals(key, r.key()))
                    .toList();
        }
    }

    ConsumerRecord<String, byte[]> awaitDeadLetter(String key, Duration timeout) {
        return await(r -> r.topic().equals(topic("dlq")) && java.util.Objects.equals(key, r.key()), timeout);
    }

    List<ConsumerRecord<String, byte[]>> progressRecords(String jobId) {
        synchronized (seen) {
            return seen.stream().filter(r -> r.topic().equals(topic("progress")) && jobId.equals(r.key())).toList();
        }
    }

    /** The group's committed offset on the partition of a produced record (−1 if none). */
    long committed(String group, RecordMetadata m) throws InterruptedException, ExecutionException {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(new TopicPartition(m.topic(), m.partition()));
            return o == null ? -1 : o.offset();
        }
    }

    /**
     * A new consumer group whose offsets on the requests topic stand at its current end: a worker in it
     * sees only what is sent from now on, whatever earlier tests left unanswered.
     */
    String groupAtEnd(String prefix) throws InterruptedException, ExecutionException {
        String group = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String requests = topic("requests");
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int i = 0; i < topics.byRole("requests").partitions(); i++) {
                latest.put(new TopicPartition(requests, i), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> at = new java.util.HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, o) -> at.put(tp, new OffsetAndMetadata(o.offset())));
            admin.alterConsumerGroupOffsets(group, at).all().get();
        }
        return group;
    }

    /** End offset of a partition (for the overhead measurement's sanity). */
    long endOffset(TopicPartition tp) throws InterruptedException, ExecutionException {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        }
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
