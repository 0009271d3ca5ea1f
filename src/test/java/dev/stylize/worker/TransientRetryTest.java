package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransientRetryTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final WorkerMetrics metrics = new WorkerMetrics(registry);
    final Delivery delivery = new Delivery("test", 0);

    TransientRetry retry(Duration budget) {
        return new TransientRetry("job", delivery, budget, Duration.ofSeconds(2), metrics);
    }

    @Test
    void aStorageFaultThatPassesIsRiddenOut() {
        AtomicInteger calls = new AtomicInteger();
        String v = retry(Duration.ofSeconds(30)).call("fetch", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new StylizeException(ErrorCode.STORAGE_UNAVAILABLE, "down");
            }
            return "ok";
        });
        assertEquals("ok", v);
        assertEquals(3, calls.get());
        assertEquals(2.0, registry.counter("stylize_job_retries_total", "code", "STORAGE_UNAVAILABLE").count());
    }

    @Test
    void permanentFaultsAreNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        StylizeException e = assertThrows(StylizeException.class, () -> retry(Duration.ofSeconds(30)).call("fetch", () -> {
            calls.incrementAndGet();
            throw new StylizeException(ErrorCode.OBJECT_NOT_FOUND, "gone");
        }));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        assertEquals(1, calls.get());
    }

    @Test
    void inferenceFaultsAreRetriedAtMostTwicePerJob() {
        TransientRetry r = retry(Duration.ofMinutes(5));
        AtomicInteger calls = new AtomicInteger();
        assertThrows(StylizeException.class, () -> r.call("pipeline", () -> {
            calls.incrementAndGet();
            throw new StylizeException(ErrorCode.INFERENCE_FAILED, "oom");
        }));
        assertEquals(1 + TransientRetry.MAX_FAULT_RETRIES, calls.get());
    }

    @Test
    void theBudgetEndsTheRetries() {
        AtomicInteger calls = new AtomicInteger();
        long t0 = System.nanoTime();
        StylizeException e = assertThrows(StylizeException.class, () -> retry(Duration.ofMillis(2500)).call("upload", () -> {
            calls.incrementAndGet();
            throw new StylizeException(ErrorCode.STORAGE_UNAVAILABLE, "down");
        }));
        assertEquals(ErrorCode.STORAGE_UNAVAILABLE, e.code());
        // pauses 1 s, then 2 s would pass the 2.5 s budget: two tries
        assertEquals(2, calls.get());
        assertTrue(System.nanoTime() - t0 < 2_500_000_000L);
    }

    @Test
    void aStopEndsAPauseAtOnceAsCancelled() throws Exception {
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            delivery.stop(StopReason.DEADLINE);
        });
        stopper.start();
        long t0 = System.nanoTime();
        StylizeException e = assertThrows(StylizeException.class, () -> retry(Duration.ofMinutes(5))
                .callUntilStopped("state", () -> {
                    throw new StylizeException(ErrorCode.STORAGE_UNAVAILABLE, "down");
                }));
        assertEquals(ErrorCode.CANCELLED, e.code());
        assertEquals(StopReason.DEADLINE, delivery.stopReason());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "not past the stop");
        stopper.join();
    }
}
