package dev.stylize.client;

import dev.stylize.job.JobJson;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.messaging.TopicDefinitions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * One job's records: the partition of the progress topic and of the results topic its key hashes to,
 * assigned to a group-less consumer. Everything else on those partitions (other jobs) is skipped.
 */
public final class JobRecords implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String jobId;
    private final TopicPartition progress;
    private final TopicPartition results;

    public JobRecords(String bootstrap, TopicDefinitions topics, String jobId) {
        this(KafkaClients.consumer(bootstrap), topics, jobId);
    }

    /** Over a consumer of the caller's (the gateway's carries the service's Kafka settings); closes it. */
    public JobRecords(KafkaConsumer<String, byte[]> consumer, TopicDefinitions topics, String jobId) {
        this.consumer = consumer;
        this.jobId = jobId;
        this.progress = partitionOf(topics.byRole(TopicDefinitions.PROGRESS).name());
        this.results = partitionOf(topics.byRole(TopicDefinitions.RESULTS).name());
        consumer.assign(List.of(progress, results));
    }

    /** The key's partition, from the broker's metadata (the count in topics.yaml may have been raised). */
    private TopicPartition partitionOf(String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist on the broker");
        }
        return new TopicPartition(topic, KeyPartitioner.partition(jobId, partitions.size()));
    }

    public TopicPartition resultsPartition() {
        return results;
    }

    /** Only what is written from now on (call before submitting, so nothing of this run is missed). */
    public void fromNow() {
        consumer.seekToEnd(List.of(progress, results));
        // seekToEnd is lazy: fix the positions now, before the request is produced.
        consumer.position(progress);
        consumer.position(results);
    }

    /** Everything still retained for the key, oldest first. */
    public void fromBeginning() {
        consumer.seekToBeginning(List.of(progress, results));
    }

    /** The end offsets as of now: reading up to them is reading "everything so far". */
    public Map<TopicPartition, Long> endOffsets() {
        return consumer.endOffsets(List.of(progress, results));
    }

    /** Whether both partitions have been read up to {@code ends}. */
    public boolean reached(Map<TopicPartition, Long> ends) {
        return consumer.position(progress) >= ends.get(progress) && consumer.position(results) >= ends.get(results);
    }

    /** One poll: this job's events, in partition order, each either a progress event or a result. */
    public List<Event> poll(Duration timeout) {
        List<Event> events = new java.util.ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (!jobId.equals(r.key()) || r.value() == null) {
                continue;
            }
            if (r.topic().equals(results.topic())) {
                events.add(new Event(null, JobJson.parseResult(r.value()), r.offset()));
            } else {
                events.add(new Event(JobJson.parseProgress(r.value()), null, r.offset()));
            }
        }
        return events;
    }

    /** Exactly one of progress and result is set; {@code offset} is the record's in its topic's partition. */
    public record Event(ProgressEvent progress, ResultEvent result, long offset) {
        public Optional<ResultEvent> asResult() {
            return Optional.ofNullable(result);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
