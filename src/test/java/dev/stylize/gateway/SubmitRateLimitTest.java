package dev.stylize.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SubmitRateLimitTest {
    static final long SECOND = 1_000_000_000L;
    final AtomicLong now = new AtomicLong(5 * SECOND);

    @Test
    void aBurstThenTheRatePerCallerWithTheWaitToRetry() {
        SubmitRateLimit limit = new SubmitRateLimit(0.5, 2, now::get);
        assertEquals(0, limit.acquire("a"));
        assertEquals(0, limit.acquire("a"));
        assertEquals(2, limit.acquire("a"), "one submission per 2 s after the burst");
        assertEquals(0, limit.acquire("b"), "another caller has its own bucket");
        now.addAndGet(SECOND);
        assertEquals(1, limit.acquire("a"), "half a token back after 1 s");
        now.addAndGet(SECOND);
        assertEquals(0, limit.acquire("a"));
        assertEquals(2, limit.acquire("a"));
        now.addAndGet(100 * SECOND);
        assertEquals(0, limit.acquire("a"));
        assertEquals(0, limit.acquire("a"));
        assertEquals(2, limit.acquire("a"), "an idle caller gets the burst back, never more");
    }

    @Test
    void aRateThatAdmitsNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SubmitRateLimit(0, 2, now::get));
        assertThrows(IllegalArgumentException.class, () -> new SubmitRateLimit(1, 0, now::get));
    }
}
