package dev.stylize.client;

import dev.stylize.job.CancelRequest;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.messaging.TopicDefinitions;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Sends requests and cancellations, keyed by job id, to the topics named in topics.yaml. */
public final class JobProducer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final TopicDefinitions topics;

    public JobProducer(String bootstrap, TopicDefinitions topics) {
        this(KafkaClients.producer(bootstrap), topics);
    }

    public JobProducer(KafkaProducer<String, byte[]> producer, TopicDefinitions topics) {
        this.producer = producer;
        this.topics = topics;
    }

    public RecordMetadata submit(JobRequest request) throws InterruptedException, ExecutionException {
        return send(TopicDefinitions.REQUESTS, request.jobId(), JobJson.write(request));
    }

    public RecordMetadata cancel(String jobId) throws InterruptedException, ExecutionException {
        return send(TopicDefinitions.CONTROL, jobId, JobJson.write(new CancelRequest(jobId)));
    }

    private RecordMetadata send(String role, String key, byte[] value) throws InterruptedException, ExecutionException {
        return producer.send(new ProducerRecord<>(topics.byRole(role).name(), key, value)).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
