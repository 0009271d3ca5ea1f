package dev.stylize.gateway;

import java.util.Optional;

/**
 * The SSE event id: {@code p<offset>} for a progress event, {@code r<offset>} for a result, the offset being
 * the record's in its topic partition. A job's records all sit in one partition of each topic (keyed by job
 * id), so offsets order a job's progress, and every gateway instance reads the same offsets: a client may
 * resume ({@code Last-Event-ID}) on any instance, after any restart.
 *
 * <p>Resuming after {@code p<n>}: the progress events after offset n still held, then the result. After
 * {@code r<n>}: only a later result (a re-run); none: 204, so that a browser's EventSource stops reconnecting.
 */
public record EventId(boolean result, long offset) {
    @Override
    public String toString() {
        return (result ? "r" : "p") + offset;
    }

    /** Empty for null, blank or anything not written by {@link #toString()} (then the stream starts afresh). */
    public static Optional<EventId> parse(String s) {
        if (s == null || s.length() < 2 || (s.charAt(0) != 'p' && s.charAt(0) != 'r')) {
            return Optional.empty();
        }
        try {
            long offset = Long.parseLong(s.substring(1).trim());
            return offset < 0 ? Optional.empty() : Optional.of(new EventId(s.charAt(0) == 'r', offset));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
