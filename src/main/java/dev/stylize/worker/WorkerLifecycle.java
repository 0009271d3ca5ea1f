package dev.stylize.worker;

import dev.stylize.job.StylizeException;
import dev.stylize.runtime.ModelSet;
import dev.stylize.storage.ObjectStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * Loads the models at startup (not on the first job), and on SIGTERM stops taking jobs, lets the
 * running ones finish within the grace period, then stops the rest (which are then redelivered),
 * waits until they have returned and closes the models — all before the JVM begins to exit.
 *
 * <p>Why before: ONNX Runtime's Java binding releases its native environment from a JVM shutdown
 * hook, and the JVM runs every shutdown hook at once. Draining inside Quarkus' own hook (a
 * {@link ShutdownEvent} observer) would keep jobs running on freed native memory (SIGSEGV in
 * {@code OrtSession.run}). So SIGTERM and SIGINT are trapped: the drain runs first, then
 * {@code System.exit} starts the hooks, with nothing left running. An exit that does not come from a
 * signal still drains in {@link #onStop}.
 */
@ApplicationScoped
public class WorkerLifecycle {
    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);
    /** A stopped job returns within a step (ONNX Runtime's terminate flag); this bounds a stuck one. */
    static final Duration STOP_WAIT = Duration.ofSeconds(60);

    @Inject
    Instance<ModelSet> modelSet;

    private ModelSet models;

    @Inject
    ShutdownState shutdown;

    @Inject
    RunningJobs running;

    @Inject
    WorkerConfig config;

    @Inject
    ObjectStore store;

    private final AtomicBoolean exiting = new AtomicBoolean();

    void onStart(@Observes StartupEvent ev) {
        if (config.role() != WorkerConfig.Role.WORKER) {
            return; // the gateway: no models, nothing to drain; Quarkus handles its signals
        }
        models = modelSet.get();
        checkStateBucket();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), this::onSignal);
        }
        LOG.infof("phase=READY models=%s", models.directory().manifest().id());
    }

    /** A missing state bucket is a deployment error: fail start-up, not every job. */
    private void checkStateBucket() {
        String bucket = config.state().bucket();
        try {
            if (!store.bucketExists(bucket)) {
                throw new IllegalStateException("the state bucket '" + bucket + "' does not exist: create it, or set "
                        + "STYLIZE_STATE_BUCKET to a bucket of the worker's own");
            }
        } catch (StylizeException e) {
            // The store may just be down: jobs retry it; start-up need not wait.
            LOG.warnf("phase=STARTING cannot check the state bucket '%s': %s", bucket, e.getMessage());
        }
    }

    private void onSignal(Signal signal) {
        if (!exiting.compareAndSet(false, true)) {
            LOG.infof("phase=DRAINING SIG%s again: already draining", signal.getName());
            return;
        }
        Thread t = new Thread(() -> {
            LOG.infof("phase=DRAINING SIG%s received", signal.getName());
            drain();
            models.close();
            System.exit(128 + signal.getNumber());
        }, "stylize-drain");
        t.start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (config.role() != WorkerConfig.Role.WORKER) {
            return;
        }
        drain();
    }

    /** Stops taking jobs, lets the running ones finish within the grace, then stops and awaits the rest. */
    private synchronized void drain() {
        shutdown.begin();
        if (running.count() > 0) {
            LOG.infof("phase=DRAINING running=%d grace=%s", running.count(), config.shutdownGrace());
        }
        if (!awaitIdle(config.shutdownGrace())) {
            LOG.warnf("phase=DRAINING grace period over; stopping %d running job(s)", running.count());
            running.stopAll(StopReason.SHUTDOWN);
            if (!awaitIdle(STOP_WAIT)) {
                LOG.errorf("phase=DRAINING %d job(s) still running %s after they were stopped", running.count(),
                        STOP_WAIT);
            }
        }
    }

    private boolean awaitIdle(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (running.count() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return running.count() == 0;
    }
}
