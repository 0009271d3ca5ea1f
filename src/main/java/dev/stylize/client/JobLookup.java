package dev.stylize.client;

import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a job stands now: its latest result (the results topic is compacted, so the key's last record
 * survives), else its latest progress event, else unknown. Reads the key's partitions from the beginning
 * to their end offsets as of the call.
 */
public final class JobLookup {
    private static final Duration POLL = Duration.ofMillis(200);

    private JobLookup() {}

    /** At most one of result and progress is set; both null: unknown. */
    public record Standing(ResultEvent result, ProgressEvent progress) {}

    public static Standing lookup(JobRecords records, Duration timeout) {
        Map<TopicPartition, Long> ends = records.endOffsets();
        records.fromBeginning();
        ResultEvent result = null;
        ProgressEvent progress = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!records.reached(ends)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the job's partitions within " + timeout);
            }
            for (JobRecords.Event e : records.poll(POLL)) {
                if (e.result() != null) {
                    result = e.result();
                } else {
                    progress = e.progress();
                }
            }
        }
        return result != null ? new Standing(result, null) : new Standing(null, progress);
    }
}
