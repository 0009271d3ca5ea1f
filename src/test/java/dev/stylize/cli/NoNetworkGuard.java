package dev.stylize.cli;

import java.io.FileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketPermission;
import java.security.Permission;

/**
 * Installed with {@code -Djava.security.manager=dev.stylize.cli.NoNetworkGuard} in a child JVM:
 * permits everything but records every socket connect/listen/accept/resolve to the file named by
 * {@code -Dguard.log}, so a test can prove a command opened no socket.
 */
public final class NoNetworkGuard extends SecurityManager {
    private final String log = System.getProperty("guard.log");

    @Override
    public void checkPermission(Permission perm) {
        if (perm instanceof SocketPermission && log != null) {
            try (FileWriter w = new FileWriter(log, true)) {
                w.write(perm.getName() + " " + perm.getActions() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
        checkPermission(perm);
    }
}
