package dev.stylize.worker;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobStatus;
import dev.stylize.job.Phase;
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
}
