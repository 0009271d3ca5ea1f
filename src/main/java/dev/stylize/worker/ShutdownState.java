package dev.stylize.worker;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/** Set once SIGTERM arrives: a job cancelled after this point is redelivered, not reported CANCELLED. */
@ApplicationScoped
public class ShutdownState {
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    public boolean isShuttingDown() {
        return shuttingDown.get();
    }

    void begin() {
        shuttingDown.set(true);
    }
}
