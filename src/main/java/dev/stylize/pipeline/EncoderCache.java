package dev.stylize.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the conditioning encoders computed, for the next job that asks the same: prompt embeddings (T5
 * sequence + CLIP pooled, keyed by the text encoders' graph sha256 and the tokenized prompt) and Redux
 * tokens per reference image (keyed by the SigLIP and Redux graphs' sha256 and the image's identity,
 * before any leakage control: those are cheap and applied on every use). Production traffic reuses a few
 * style references and prompts for thousands of jobs; a hit runs none of those sessions.
 *
 * <p>Two caches bounded in bytes (Caffeine, weighted by the float arrays' size). Eviction is Caffeine's
 * W-TinyLFU rather than plain LRU: recency plus frequency, so a burst of one-off references does not
 * flush the few style references that most jobs share. A value is only
 * stored once computed in full, so a cancelled or failed encoder leaves nothing behind; values are never
 * modified after they are stored (the encoders copy before scaling).
 */
public final class EncoderCache {
    /** Caches nothing: every lookup computes (the CLI's one-off runs). */
    public static final EncoderCache DISABLED = new EncoderCache(0, 0);

    /** One prompt's embeddings. */
    record Prompt(float[] sequence, float[] pooled) {}

    private final Cache<String, Prompt> prompts;
    private final Cache<String, float[]> redux;

    /** @param promptBytes, reduxBytes bounds of the two caches; 0 disables one */
    public EncoderCache(long promptBytes, long reduxBytes) {
        this.prompts = promptBytes <= 0 ? null : Caffeine.newBuilder().maximumWeight(promptBytes)
                .<String, Prompt>weigher((k, v) -> weight(v.sequence().length + v.pooled().length)).recordStats().build();
        this.redux = reduxBytes <= 0 ? null : Caffeine.newBuilder().maximumWeight(reduxBytes)
                .<String, float[]>weigher((k, v) -> weight(v.length)).recordStats().build();
    }

    /** For metrics (null when disabled). */
    public Cache<String, ?> promptCache() {
        return prompts;
    }

    /** For metrics (null when disabled). */
    public Cache<String, ?> reduxCache() {
        return redux;
    }

    Prompt prompt(String key, Supplier<Prompt> compute) {
        return prompts == null ? compute.get() : prompts.get(key, k -> compute.get());
    }

    float[] redux(String key, Supplier<float[]> compute) {
        return redux == null ? compute.get() : redux.get(key, k -> compute.get());
    }

    /** The stored Redux tokens, if present (a lookup that counts as a hit or a miss). */
    Optional<float[]> cachedRedux(String key) {
        return redux == null ? Optional.empty() : Optional.ofNullable(redux.getIfPresent(key));
    }

    private static int weight(long floats) {
        return (int) Math.min(Integer.MAX_VALUE, floats * Float.BYTES + 64);
    }
}
