package dev.stylize.runtime;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A HuggingFace tokenizer.json from the model directory, padded/truncated to a fixed length.
 * DJL ignores the padding strategy in the JSON, so length and padding are set here explicitly.
 * Like {@link ModelSession}, it frees its native tokenizer only once no {@link #encode} is running.
 */
public final class PromptTokenizer implements AutoCloseable {
    static {
        Offline.enforce();
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int length;
    private final InFlightCalls inFlight = new InFlightCalls();

    private PromptTokenizer(HuggingFaceTokenizer tokenizer, int length) {
        this.tokenizer = tokenizer;
        this.length = length;
    }

    public static PromptTokenizer load(Path tokenizerJson, int length) throws IOException {
        HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                "padding", "max_length",
                "maxLength", Integer.toString(length),
                "truncation", "true"));
        return new PromptTokenizer(t, length);
    }

    /** Token ids, exactly {@code length} of them. */
    public long[] encode(String text) {
        if (!inFlight.enter()) {
            throw ModelSession.closedError("tokenizer call");
        }
        long[] ids;
        try {
            Encoding e = tokenizer.encode(text);
            ids = e.getIds();
        } finally {
            inFlight.exit();
        }
        if (ids.length != length) {
            long[] fixed = new long[length];
            System.arraycopy(ids, 0, fixed, 0, Math.min(length, ids.length));
            ids = fixed;
        }
        return ids;
    }

    int callsInFlight() {
        return inFlight.count();
    }

    void refuseNewCalls() {
        inFlight.refuseNew();
    }

    /** As {@link ModelSession#closeBy}: frees only when no encode is running by the deadline. */
    boolean closeBy(long deadlineNanos) {
        return inFlight.freeWhenIdle(deadlineNanos, tokenizer::close);
    }

    /** {@link #closeBy} with {@link ModelSet#DEFAULT_CLOSE_TIMEOUT}; left open if an encode is still running. */
    @Override
    public void close() {
        closeBy(System.nanoTime() + ModelSet.DEFAULT_CLOSE_TIMEOUT.toNanos());
    }
}
