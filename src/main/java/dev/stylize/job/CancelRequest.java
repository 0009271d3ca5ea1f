package dev.stylize.job;

/**
 * A cancellation on the control topic, keyed by the job id: {@code {"jobId": "…"}}
 * (README, "Topics"; read by {@code messaging.ControlConsumer}).
 */
public record CancelRequest(String jobId) {
    public CancelRequest {
        RequestValidator.checkJobId(jobId);
    }
}
