package dev.stylize.embedded;

import java.util.concurrent.atomic.AtomicReference;

/** A server of the embedded stack running as a child JVM: start-over, stop, kill and status over one process. */
public abstract class ChildServer implements AutoCloseable {
    /** The running child, replaced on each (re)start; read from test and shutdown-hook threads. */
    protected final AtomicReference<Process> process;
    private final long stopGraceMillis;

    ChildServer(AtomicReference<Process> process, long stopGraceMillis) {
        this.process = process;
        this.stopGraceMillis = stopGraceMillis;
    }

    /** Starts the child process on the server's data dir and ports and waits until it answers. */
    abstract void launch();

    public boolean isRunning() {
        Process p = process.get();
        return p != null && p.isAlive();
    }

    /** SIGTERM and wait for a clean shutdown (SIGKILL after the server's grace period). */
    public void stop() {
        Process p = process.get();
        if (p != null) {
            ChildProcesses.terminate(p, stopGraceMillis);
        }
    }

    /** SIGKILL: no clean shutdown, as if the machine lost power (minus the page cache). */
    public void kill() {
        Process p = process.get();
        if (p != null) {
            ChildProcesses.kill(p);
        }
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing, as a hung server or a stalled VM does. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        Process p = process.get();
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("not running");
        }
        try {
            int rc = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("kill -" + name + " " + p.pid() + " exited with " + rc);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops (if running) and starts again with the same data, ports and credentials. */
    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }
}
