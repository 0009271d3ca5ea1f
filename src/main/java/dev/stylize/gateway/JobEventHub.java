package dev.stylize.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.client.InputUploader;
import dev.stylize.client.JobProducer;
import dev.stylize.client.JobRecords;
import dev.stylize.client.KafkaClients;
import dev.stylize.job.JobJson;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import dev.stylize.job.StylizeException;
import dev.stylize.messaging.TopicDefinitions;
import dev.stylize.storage.ObjectStore;
import dev.stylize.worker.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * The gateway's one reader of the requests, progress and results topics: every partition assigned (no consumer
 * group, nothing committed; partitions added later followed too), from the end as of start-up, each event
 * handed to {@link FanOut} and each request marking its job SUBMITTED. However many
 * clients watch, the broker serves one consumer per gateway instance. Jobs whose past the gateway did not see
 * (started before it, or evicted) are looked up on demand from their own partitions ({@link #lookup}).
 */
@ApplicationScoped
public class JobEventHub {
    private static final Logger LOG = Logger.getLogger(JobEventHub.class);
    private static final ObjectMapper JSON = JobJson.mapper();
    static final String CLIENT_ID = "stylize-gateway";

    @Inject
    GatewayConfig config;

    /** Quarkus' SDK: the POST's server span is the parent of the request record's producer span. */
    @Inject
    OpenTelemetry otel;

    @Inject
    WorkerConfig service;

    @Inject
    ObjectStore store;

    @Inject
    MeterRegistry registry;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private final TopicDefinitions topics = TopicDefinitions.load();
    private FanOut fanOut;
    private KafkaConsumer<String, byte[]> consumer;
    private JobProducer producer;
    private Thread reader;
    private ScheduledExecutorService heartbeat;
    private Semaphore lookups;
    private Timer delay;
    private volatile boolean running;
    private volatile boolean positioned;

    void onStart(@Observes StartupEvent ev) {
        if (service.role() != WorkerConfig.Role.GATEWAY) {
            return;
        }
        fanOut = new FanOut(config.maxJobs(), config.historyPerJob(), config.subscriberBuffer(),
                config.maxSubscribers());
        lookups = new Semaphore(4);
        delay = Timer.builder("stylize_gateway_event_delay_seconds")
                .description("record timestamp (the worker's send) to the gateway's fan-out").register(registry);
        registry.gauge("stylize_gateway_subscribers", this, h -> h.fanOut.subscribers());
        registry.gauge("stylize_gateway_jobs_held", this, h -> h.fanOut.jobs());
        registry.more().counter("stylize_gateway_subscribers_dropped", List.of(), this, h -> h.fanOut.dropped());
        consumer = KafkaClients.consumer(kafka, CLIENT_ID);
        producer = new JobProducer(KafkaClients.producer(kafka, CLIENT_ID), topics, otel);
        running = true;
        reader = new Thread(this::read, "stylize-gateway-reader");
        reader.setDaemon(true);
        reader.start();
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stylize-gateway-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = config.heartbeat().toMillis();
        heartbeat.scheduleAtFixedRate(fanOut::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close();
        }
    }

    /** Multipart images, into the upload bucket under their content keys (the terminal client's uploader). */
    public InputUploader uploader() {
        return new InputUploader(store, config.uploadBucket(), config.uploadPrefix(),
                new PrintWriter(Writer.nullWriter()));
    }

    /** Requests and cancellations, to the topics the worker reads. */
    public JobProducer producer() {
        return producer;
    }

    public FanOut fanOut() {
        return fanOut;
    }

    public TopicDefinitions topics() {
        return topics;
    }

    /** Assigned and at the end of every partition: what the readiness check reports. */
    public boolean positioned() {
        return positioned && reader != null && reader.isAlive();
    }

    private void read() {
        try {
            String requests = topics.byRole(TopicDefinitions.REQUESTS).name();
            String results = topics.byRole(TopicDefinitions.RESULTS).name();
            PartitionFollower partitions = new PartitionFollower(consumer, List.of(requests,
                    topics.byRole(TopicDefinitions.PROGRESS).name(), results), config.partitionRefresh());
            int n = partitions.start(System.nanoTime());
            positioned = true;
            LOG.infof("phase=READY gateway reading %d partitions of requests, progress and results from their end", n);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(requests)) {
                        submitted(r);
                    } else {
                        handle(r, r.topic().equals(results));
                    }
                }
                List<TopicPartition> added = partitions.refreshIfDue(System.nanoTime());
                if (!added.isEmpty()) {
                    LOG.infof("following %d partitions added since: %s", added.size(), added);
                }
            }
        } catch (WakeupException e) {
            // shutdown
        } catch (RuntimeException e) {
            LOG.errorf(e, "phase=FAILED the gateway's reader stopped; readiness is down");
        } finally {
            positioned = false;
            consumer.close();
        }
    }

    /**
     * A request any client produced (through this instance, another one, or Kafka directly): the job is known
     * here as SUBMITTED before the worker says anything, whichever instance a GET reaches.
     */
    private void submitted(ConsumerRecord<String, byte[]> r) {
        if (r.key() != null && r.value() != null && !fanOut.snapshot(r.key()).known()) {
            fanOut.submitted(r.key());
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r, boolean result) {
        if (r.key() == null || r.value() == null) {
            return; // tombstone or unkeyed: not a job event
        }
        try {
            GatewayEvent e = result ? event(r.key(), r.offset(), null, JobJson.parseResult(r.value()))
                    : event(r.key(), r.offset(), JobJson.parseProgress(r.value()), null);
            fanOut.publish(e);
            delay.record(Math.max(0, System.currentTimeMillis() - r.timestamp()), TimeUnit.MILLISECONDS);
        } catch (StylizeException | IllegalArgumentException e) {
            LOG.warnf("skipping an unreadable record %s-%d@%d: %s", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
    }

    /** The event as sent: the contract's JSON, and a presigned {@code previewUrl} for a preview. */
    GatewayEvent event(String jobId, long offset, ProgressEvent progress, ResultEvent result) {
        ObjectNode json = JSON.valueToTree(progress != null ? progress : result);
        if (progress != null && progress.preview() != null) {
            try {
                json.put("previewUrl", store.presignedGet(progress.preview().bucket(), progress.preview().key(),
                        service.s3().presignTtl()));
            } catch (RuntimeException e) {
                LOG.debugf("no preview URL for %s: %s", jobId, e.getMessage());
            }
        }
        return GatewayEvent.of(jobId, offset, progress, result, json);
    }

    /**
     * Reads the job's past from its partitions into the fan-out when it is not in memory: a GET or a
     * subscriber for a job that ran before this gateway started. At most 4 at once (each is a consumer), one
     * per job. False when it could not be read in time (the caller goes on with what is live).
     */
    public boolean lookup(String jobId) throws InterruptedException {
        if (!fanOut.needsLookup(jobId)) {
            return true;
        }
        if (!lookups.tryAcquire(config.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        try {
            // Another request for the same job may have read it while this one waited.
            return !fanOut.needsLookup(jobId) || readPast(jobId);
        } finally {
            lookups.release();
        }
    }

    private boolean readPast(String jobId) {
        try (JobRecords records = new JobRecords(KafkaClients.consumer(kafka, CLIENT_ID + "-lookup"), topics,
                jobId)) {
            Map<TopicPartition, Long> ends = records.endOffsets();
            records.fromBeginning();
            List<GatewayEvent> past = new ArrayList<>();
            long deadline = System.nanoTime() + config.lookupTimeout().toNanos();
            while (!records.reached(ends)) {
                if (System.nanoTime() > deadline) {
                    LOG.warnf("could not read the partitions of job %s within %s", jobId, config.lookupTimeout());
                    return false;
                }
                for (JobRecords.Event e : records.poll(Duration.ofMillis(200))) {
                    past.add(event(jobId, e.offset(), e.progress(), e.result()));
                }
            }
            fanOut.seed(jobId, past);
            return true;
        }
    }
}
