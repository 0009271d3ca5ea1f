package dev.stylize.worker;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jboss.logging.MDC;

/**
 * Runs each task on {@code pool} with the log context (job id, trace id) of the thread that submitted it. A
 * pooled thread otherwise keeps the context it inherited from whichever job created it, and its log lines
 * would name that job.
 */
final class LogContextExecutor implements Executor {
    private final Executor pool;

    LogContextExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        Map<String, Object> context = new HashMap<>(MDC.getMap());
        pool.execute(() -> {
            MDC.clear();
            context.forEach(MDC::put);
            try {
                task.run();
            } finally {
                MDC.clear();
            }
        });
    }
}
