package dev.stylize.cli;

import java.io.FileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketPermission;
import java.security.Permission;

/**
 * Installed with {@code -Djava.security.manager=dev.stylize.cli.NoNetworkGuard} in a child JVM:
 * permits everything but records every socket connect/listen/accept, and every name lookup other
 * than the machine's own host name, to the file named by {@code -Dguard.log}, so a test can prove a
 * command opened no socket. (JBoss LogManager looks up the local host name for its log records;
 * that reads /etc/hosts and opens nothing.)
 */
public final class NoNetworkGuard extends SecurityManager {
    private final String log = System.getProperty("guard.log");
    private final String localHost = localHostName();

    private static String localHostName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void checkPermission(Permission perm) {
        if (perm instanceof SocketPermission && log != null
                && !(perm.getActions().equals("resolve") && perm.getName().equals(localHost))) {
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
