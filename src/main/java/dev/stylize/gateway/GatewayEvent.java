package dev.stylize.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import java.util.Objects;

/**
 * One record of the progress or results topic for a job, as the gateway sends it: its SSE id
 * ({@link EventId}) and its JSON (the contract's event, plus {@code previewUrl} where the event has a preview),
 * serialised once for every subscriber. Exactly one of progress and result is set.
 */
public record GatewayEvent(String jobId, long offset, ProgressEvent progress, ResultEvent result, String json) {
    public GatewayEvent {
        Objects.requireNonNull(jobId, "jobId");
        if ((progress == null) == (result == null)) {
            throw new IllegalArgumentException("exactly one of progress and result");
        }
    }

    public boolean isResult() {
        return result != null;
    }

    public EventId id() {
        return new EventId(isResult(), offset);
    }

    /** The SSE event name. */
    public String name() {
        return isResult() ? "result" : "progress";
    }

    static GatewayEvent of(String jobId, long offset, ProgressEvent progress, ResultEvent result, ObjectNode json) {
        return new GatewayEvent(jobId, offset, progress, result, json.toString());
    }
}
