package dev.stylize.gateway;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's in-memory view of jobs and who watches them. One reader ({@link JobEventHub}) publishes every
 * record of the progress and results topics here; SSE streams subscribe per job.
 *
 * <ul>
 *   <li>Per job: the last {@code historyPerJob} progress events and the latest result, so a late subscriber
 *       first gets the job's latest state and a resuming one ({@link EventId}) the events it missed. At most
 *       {@code maxJobs} jobs are held, least recently used out first, never one with a subscriber.
 *   <li>Per subscriber: at most {@code buffer} events sent and not yet written to its socket. A subscriber that
 *       falls further behind is closed (its client resumes with Last-Event-ID), so a slow client costs
 *       bounded memory and never delays the others.
 *   <li>Offsets deduplicate: an event at or below what a job (or a subscriber) already has is dropped, so
 *       records read twice (a lookup racing the live reader) are harmless.
 * </ul>
 *
 * One lock: publishing to a job's subscribers and subscribing (replay, then registration) never interleave,
 * so a subscriber sees each event once and in offset order. Sends are asynchronous and do not block under it.
 */
public final class FanOut {
    /** Where a subscriber's events go (an SSE stream). {@code send} must not block. */
    public interface Sink {
        CompletionStage<?> send(GatewayEvent event);

        /** An SSE comment (keep-alive); completes exceptionally when the client is gone. */
        CompletionStage<?> ping();

        void close();

        boolean isClosed();
    }

    /** A job's state as held: the latest result if any, else the latest progress, else only "submitted". */
    public record Snapshot(String jobId, boolean submitted, GatewayEvent latestProgress, GatewayEvent result) {
        public boolean known() {
            return submitted || latestProgress != null || result != null;
        }
    }

    /** What a subscription found: DONE when nothing will ever be sent (resumed after the result). */
    public enum Subscribed { STREAMING, ENDED, DONE }

    public static final class TooManySubscribers extends RuntimeException {
        TooManySubscribers(int max) {
            super("already " + max + " event streams open on this gateway");
        }
    }

    private final int maxJobs;
    private final int historyPerJob;
    private final int buffer;
    private final int maxSubscribers;
    private final LinkedHashMap<String, Job> jobs = new LinkedHashMap<>(1024, 0.75f, true);
    private int subscribers;
    private final AtomicLong dropped = new AtomicLong();

    public FanOut(int maxJobs, int historyPerJob, int buffer, int maxSubscribers) {
        if (maxJobs < 1 || historyPerJob < 1 || buffer < 1 || maxSubscribers < 1) {
            throw new IllegalArgumentException("limits must be >= 1");
        }
        this.maxJobs = maxJobs;
        this.historyPerJob = historyPerJob;
        this.buffer = buffer;
        this.maxSubscribers = maxSubscribers;
    }

    private static final class Job {
        final ArrayDeque<GatewayEvent> progress = new ArrayDeque<>();
        GatewayEvent result;
        boolean submitted;
        boolean lookedUp;
        final List<Subscription> subs = new ArrayList<>(1);

        long lastProgressOffset() {
            return progress.isEmpty() ? -1 : progress.peekLast().offset();
        }
    }

    private static final class Subscription {
        final Sink sink;
        final AtomicInteger pending = new AtomicInteger();
        long sentProgress;
        long sentResult;
        boolean done;

        Subscription(Sink sink, EventId after) {
            this.sink = sink;
            // After a result, every progress before it counts as seen.
            this.sentProgress = after == null ? -1 : after.result() ? Long.MAX_VALUE : after.offset();
            this.sentResult = after != null && after.result() ? after.offset() : -1;
        }
    }

    /** A record of the progress or results topic. Returns how many subscribers it was sent to. */
    public synchronized int publish(GatewayEvent e) {
        Job job = job(e.jobId());
        if (e.isResult()) {
            if (job.result != null && e.offset() <= job.result.offset()) {
                return 0;
            }
            job.result = e;
        } else {
            if (e.offset() <= job.lastProgressOffset()) {
                return 0;
            }
            job.progress.addLast(e);
            if (job.progress.size() > historyPerJob) {
                job.progress.removeFirst();
            }
        }
        int sent = 0;
        for (Iterator<Subscription> it = job.subs.iterator(); it.hasNext();) {
            Subscription s = it.next();
            if (deliver(s, e)) {
                sent++;
            }
            if (s.done) {
                it.remove();
                subscribers--;
            }
        }
        evict();
        return sent;
    }

    /** This gateway accepted the job: GET says SUBMITTED until its first event. */
    public synchronized void submitted(String jobId) {
        job(jobId).submitted = true;
        evict();
    }

    /**
     * Registers {@code sink} for the job's events and first sends it what it has not seen: without
     * {@code after}, the latest state (the result, else the latest progress); with it, the held progress
     * events after it, then the result. A result ends the stream (the sink is closed once it is written).
     */
    public synchronized Subscribed subscribe(String jobId, Sink sink, EventId after) {
        if (subscribers >= maxSubscribers) {
            throw new TooManySubscribers(maxSubscribers);
        }
        Job job = job(jobId);
        Subscription s = new Subscription(sink, after);
        if (after != null && after.result() && (job.result == null || job.result.offset() <= after.offset())) {
            sink.close();
            return Subscribed.DONE;
        }
        if (job.result != null) {
            if (after != null) {
                for (GatewayEvent p : job.progress) {
                    deliver(s, p);
                }
            }
            deliver(s, job.result);
        } else if (after == null) {
            if (!job.progress.isEmpty()) {
                deliver(s, job.progress.peekLast());
            }
        } else {
            for (GatewayEvent p : job.progress) {
                deliver(s, p);
            }
        }
        if (s.done) {
            return Subscribed.ENDED;
        }
        job.subs.add(s);
        subscribers++;
        evict();
        return Subscribed.STREAMING;
    }

    /** Sends or skips {@code e}; false when skipped. Marks the subscription done on a result or an overflow. */
    private boolean deliver(Subscription s, GatewayEvent e) {
        if (s.done) {
            return false;
        }
        if (s.sink.isClosed()) {
            s.done = true;
            return false;
        }
        if (e.isResult() ? e.offset() <= s.sentResult : e.offset() <= s.sentProgress) {
            return false;
        }
        if (s.pending.get() >= buffer) {
            dropped.incrementAndGet();
            s.done = true;
            s.sink.close();
            return false;
        }
        if (e.isResult()) {
            s.sentResult = e.offset();
            s.done = true;
        } else {
            s.sentProgress = e.offset();
        }
        s.pending.incrementAndGet();
        CompletionStage<?> sent = s.sink.send(e);
        boolean last = e.isResult();
        sent.whenComplete((x, failure) -> {
            s.pending.decrementAndGet();
            if (failure != null || last) {
                s.sink.close();
            }
        });
        return true;
    }

    /** Pings every subscriber and forgets those whose stream was closed (client gone, or overflowed). */
    public synchronized int heartbeat() {
        int removed = 0;
        for (Job job : jobs.values()) {
            for (Iterator<Subscription> it = job.subs.iterator(); it.hasNext();) {
                Subscription s = it.next();
                if (s.done || s.sink.isClosed()) {
                    it.remove();
                    subscribers--;
                    removed++;
                } else if (s.pending.get() < buffer) {
                    s.pending.incrementAndGet();
                    s.sink.ping().whenComplete((x, failure) -> {
                        s.pending.decrementAndGet();
                        if (failure != null) {
                            s.sink.close();
                        }
                    });
                }
            }
        }
        evict();
        return removed;
    }

    /** Whether a stream resumed after {@code after} would send nothing, ever (it follows the latest result). */
    public synchronized boolean finishedAfter(String jobId, EventId after) {
        Job job = jobs.get(jobId);
        return after != null && after.result() && job != null && job.result != null
                && job.result.offset() <= after.offset();
    }

    public synchronized Snapshot snapshot(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            return new Snapshot(jobId, false, null, null);
        }
        return new Snapshot(jobId, job.submitted, job.progress.peekLast(), job.result);
    }

    /** Whether the job's partitions should still be read for its past (not in memory, not read before). */
    public synchronized boolean needsLookup(String jobId) {
        Job job = jobs.get(jobId);
        return job == null || (!job.lookedUp && job.result == null && job.progress.isEmpty());
    }

    /** The past of a job read from its partitions (oldest first); merged by offset with what is live. */
    public synchronized void seed(String jobId, List<GatewayEvent> past) {
        Job job = job(jobId);
        job.lookedUp = true;
        // Only what is older than anything live can be missing: insert before the held history.
        ArrayDeque<GatewayEvent> merged = new ArrayDeque<>();
        long first = job.progress.isEmpty() ? Long.MAX_VALUE : job.progress.peekFirst().offset();
        for (GatewayEvent e : past) {
            if (e.isResult()) {
                if (job.result == null || e.offset() > job.result.offset()) {
                    job.result = e;
                }
            } else if (e.offset() < first) {
                merged.addLast(e);
            }
        }
        merged.addAll(job.progress);
        while (merged.size() > historyPerJob) {
            merged.removeFirst();
        }
        job.progress.clear();
        job.progress.addAll(merged);
        evict();
    }

    public synchronized int subscribers() {
        return subscribers;
    }

    public synchronized int jobs() {
        return jobs.size();
    }

    /** Subscribers closed for falling {@code buffer} events behind. */
    public long dropped() {
        return dropped.get();
    }

    public synchronized Optional<Integer> history(String jobId) {
        Job job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.progress.size());
    }

    private Job job(String jobId) {
        return jobs.computeIfAbsent(jobId, k -> new Job());
    }

    /** Least recently used first; a job with subscribers stays (their count is bounded by maxSubscribers). */
    private void evict() {
        if (jobs.size() <= maxJobs) {
            return;
        }
        for (Iterator<Map.Entry<String, Job>> it = jobs.entrySet().iterator(); it.hasNext() && jobs.size() > maxJobs;) {
            if (it.next().getValue().subs.isEmpty()) {
                it.remove();
            }
        }
    }
}
