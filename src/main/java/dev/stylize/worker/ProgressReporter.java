package dev.stylize.worker;

import dev.stylize.imaging.ImageEncoder;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.Phase;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.ProgressListener;
import dev.stylize.storage.ObjectStore;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Turns a job's phase and step callbacks into progress events, phase timings and metrics; previews
 * are uploaded as small JPEGs and referenced from the step's event.
 */
final class ProgressReporter implements ProgressListener {
    private static final Logger LOG = Logger.getLogger(ProgressReporter.class);

    private final String jobId;
    private final int attempt;
    private final OutputLayout layout;
    private final Map<Phase, Long> timings;
    private final JobEvents events;
    private final ObjectStore store;
    private final WorkerMetrics metrics;
    private int steps;
    private long phaseStart = System.nanoTime();
    private long lastStep = System.nanoTime();
    private Phase phase;

    ProgressReporter(String jobId, int attempt, OutputLayout layout, Map<Phase, Long> timings, JobEvents events,
            ObjectStore store, WorkerMetrics metrics) {
        this.jobId = jobId;
        this.attempt = attempt;
        this.layout = layout;
        this.timings = timings;
        this.events = events;
        this.store = store;
        this.metrics = metrics;
    }

    void phase(Phase next) {
        onPhase(next);
    }

    /** Closes the current phase's timing. */
    void end() {
        if (phase != null) {
            long nanos = System.nanoTime() - phaseStart;
            metrics.phase(phase, nanos);
            timings.merge(phase, nanos / 1_000_000, Long::sum);
            phase = null;
        }
    }

    @Override
    public void onPhase(Phase next) {
        end();
        phase = next;
        phaseStart = System.nanoTime();
        lastStep = phaseStart;
        LOG.infof("job=%s phase=%s attempt=%d", jobId, next, attempt);
        // After the loop every step is done: DECODING and UPLOADING say steps/steps.
        int done = next.compareTo(Phase.DENOISING) > 0 ? steps : 0;
        events.progress(ProgressEvent.of(jobId, attempt, next, done, steps, progressOf(next, 0, 1), null, null));
    }

    @Override
    public void onStep(int step, int total, long etaMs, Supplier<RgbImage> preview) {
        steps = total;
        long now = System.nanoTime();
        metrics.step(now - lastStep);
        lastStep = now;
        ObjectRef previewRef = null;
        if (preview != null) {
            String key = layout.previewKey(step);
            try {
                store.put(layout.bucket(), key, ImageEncoder.encode(preview.get(), "jpeg", 0.8f), "image/jpeg", Map.of());
                previewRef = new ObjectRef(layout.bucket(), key);
            } catch (StylizeException e) {
                // Previews are advisory: a storage fault skips this one rather than failing the job.
                LOG.warnf("job=%s preview of step %d skipped: %s", jobId, step, e.getMessage());
            }
        }
        events.progress(ProgressEvent.of(jobId, attempt, Phase.DENOISING, step, total,
                progressOf(Phase.DENOISING, step, total), etaMs, previewRef));
    }

    /** Overall progress: fetching/encoding ≈ 10 %, denoising 10–90 %, decoding and upload the rest. */
    private double progressOf(Phase p, int step, int total) {
        return switch (p) {
            case QUEUED -> 0.0;
            case FETCHING -> 0.02;
            case ENCODING -> 0.05;
            case DENOISING -> 0.1 + 0.8 * step / Math.max(1, total);
            case DECODING -> 0.92;
            case UPLOADING -> 0.97;
        };
    }
}
