package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogContextExecutorTest {
    final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        pool.shutdownNow();
        MDC.clear();
    }

    @Test
    void aPooledThreadLogsForTheJobThatSubmittedTheTaskNotTheOneThatCreatedIt() {
        LogContextExecutor io = new LogContextExecutor(pool);
        MDC.put("jobId", "first");
        assertEquals("first", CompletableFuture.supplyAsync(() -> MDC.get("jobId"), io).join());
        MDC.put("jobId", "second");
        MDC.put("traceId", "t2");
        assertEquals("second t2", CompletableFuture.supplyAsync(() -> MDC.get("jobId") + " " + MDC.get("traceId"), io)
                .join());
        MDC.clear();
        assertNull(CompletableFuture.supplyAsync(() -> MDC.get("jobId"), io).join(), "no job, no job id");
    }
}
