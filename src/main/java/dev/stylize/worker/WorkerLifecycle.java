package dev.stylize.worker;

import dev.stylize.runtime.ModelSet;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Loads the models at startup (not on the first job), and on SIGTERM stops taking jobs, lets the
 * running ones finish within the grace period, then cancels the rest (which are then redelivered).
 */
@ApplicationScoped
public class WorkerLifecycle {
    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);

    @Inject
    ModelSet models;

    @Inject
    ShutdownState shutdown;

    @Inject
    CancellationRegistry cancellations;

    @Inject
    WorkerConfig config;

    void onStart(@Observes StartupEvent ev) {
        LOG.infof("phase=READY models=%s", models.directory().manifest().id());
    }

    void onStop(@Observes ShutdownEvent ev) {
        shutdown.begin();
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        if (cancellations.runningCount() > 0) {
            LOG.infof("phase=DRAINING running=%d grace=%s", cancellations.runningCount(), config.shutdownGrace());
        }
        while (cancellations.runningCount() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (cancellations.runningCount() > 0) {
            LOG.warnf("phase=DRAINING grace period over; cancelling %d running job(s)", cancellations.runningCount());
            cancellations.cancelAllRunning();
        }
    }
}
