package dev.stylize.worker;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.concurrent.CountDownLatch;
import org.jboss.logging.Logger;

/**
 * Opens once the worker can serve: the models loaded (start-up) and the HTTP server bound (probes,
 * metrics). The Kafka connector starts polling before the HTTP server binds, so a record can arrive
 * earlier; it waits here, and if start-up fails instead, the process ends without having started it.
 */
@ApplicationScoped
public class StartupGate {
    private static final Logger LOG = Logger.getLogger(StartupGate.class);
    private final CountDownLatch open = new CountDownLatch(2);

    @Inject
    ShutdownState shutdown;

    @Inject
    WorkerConfig config;

    /** Loads the models (resolving the bean does) in a worker; the gateway has none and never opens the gate. */
    void modelsLoaded(@Observes StartupEvent ev, Instance<dev.stylize.runtime.ModelSet> models) {
        if (config.role() == WorkerConfig.Role.WORKER) {
            models.get();
            open.countDown();
        }
    }

    /** Quarkus fires this event asynchronously once the server listens. */
    void httpBound(@ObservesAsync HttpServerStart ev) {
        open.countDown();
    }

    /** Blocks until the worker can serve; a shutdown meanwhile ends the wait with ShutdownInterruption. */
    public void await() {
        if (open.getCount() > 0) {
            LOG.infof("phase=STARTING a request arrived before the worker can serve; it waits for start-up");
        }
        try {
            while (!open.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                if (shutdown.isShuttingDown()) {
                    throw new JobService.ShutdownInterruption("(not started)");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobService.ShutdownInterruption("(not started)");
        }
    }
}
