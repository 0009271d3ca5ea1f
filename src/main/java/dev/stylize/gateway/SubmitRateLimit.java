package dev.stylize.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Job submissions per caller (API key; all callers together when no key is configured): a token bucket of
 * {@code burst} submissions refilled at {@code perSecond}, so one client cannot fill the requests topic for
 * everyone. Only the configured keys (and "anonymous") ever get a bucket: the map is as small as the key list.
 */
final class SubmitRateLimit {
    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    SubmitRateLimit(double perSecond, int burst, LongSupplier nanoTime) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("submit rate must be > 0 and burst >= 1, got " + perSecond + ", " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /** 0 when {@code caller} may submit now (and the submission is counted); else whole seconds to wait. */
    long acquire(String caller) {
        return buckets.computeIfAbsent(caller, c -> new Bucket(burst, nanoTime.getAsLong())).take();
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized long take() {
            long now = nanoTime.getAsLong();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perSecond);
        }
    }
}
