package dev.stylize.worker;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobStatus;
import dev.stylize.job.Phase;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Prometheus metrics: jobs by status, phase and stage durations, step time, in-flight jobs, attempts. */
@ApplicationScoped
public class WorkerMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer stepTimer;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("stylize_jobs_in_flight", inFlight);
        this.stepTimer = Timer.builder("stylize_step_seconds").description("one denoising step").register(registry);
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    void result(JobStatus status) {
        registry.counter("stylize_jobs_total", "status", status.name()).increment();
    }

    void rejected(ErrorCode code) {
        registry.counter("stylize_requests_rejected_total", "code", code.name()).increment();
    }

    void retried(ErrorCode code) {
        registry.counter("stylize_job_retries_total", "code", code.name()).increment();
    }

    void released() {
        registry.counter("stylize_jobs_released_total").increment();
    }

    /** A publish to the broker failed and is being retried (results) or given up (dead letters). */
    public void publishFailed(String topicRole, boolean givenUp) {
        registry.counter("stylize_publish_failures_total", "topic", topicRole, "outcome", givenUp ? "dropped" : "retried")
                .increment();
    }

    /** A record that could not be handled at all (logged; the consumer moved on). */
    public void unhandledRecord(String channel) {
        registry.counter("stylize_records_unhandled_total", "channel", channel).increment();
    }

    void attempt(int attempt) {
        registry.summary("stylize_job_attempts").record(attempt);
    }

    void phase(Phase phase, long nanos) {
        registry.timer("stylize_phase_seconds", "phase", phase.name()).record(Duration.ofNanos(nanos));
    }

    void step(long nanos) {
        stepTimer.record(Duration.ofNanos(nanos));
    }

    void pipeline(Map<String, Long> stageMs) {
        stageMs.forEach((stage, ms) -> registry.timer("stylize_stage_seconds", "stage", stage).record(Duration.ofMillis(ms)));
    }

    /** Time the accelerator slots were held: with the host stages' time, where a job's time goes. */
    void slots(AcceleratorSlots slots) {
        FunctionCounter.builder("stylize_accelerator_busy_seconds", slots, s -> s.busyNanos() / 1e9)
                .description("time jobs held an accelerator slot, summed over slots").register(registry);
    }
}
