package dev.stylize.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Main class of every embedded child JVM: {@code ParentWatch <main-class> <args...>} runs the real
 * main class and exits the child (normally, so its shutdown hooks run: the broker's controlled
 * shutdown) as soon as the parent goes away, however it went: the parent keeps the child's stdin
 * pipe open and never writes to it, so end-of-file on stdin means the parent closed it or died
 * (even by SIGKILL). As a second guard the parent's pid ({@code -Dstylize.parent.pid}) is watched.
 *
 * <p>Uses the JDK only: it runs on S3Proxy's classpath too.
 */
public final class ParentWatch {
    private ParentWatch() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: ParentWatch <main-class> [args...]");
            System.exit(2);
        }
        Thread stdin = new Thread(ParentWatch::watchStdin, "parent-watch-stdin");
        stdin.setDaemon(true);
        stdin.start();
        String pid = System.getProperty("stylize.parent.pid");
        if (pid != null) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> parentGone("parent process " + pid + " exited")),
                    () -> parentGone("parent process " + pid + " is not running"));
        }
        Class<?> main = Class.forName(args[0]);
        Method m = main.getMethod("main", String[].class);
        try {
            m.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchStdin() {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // the parent writes nothing; ignore whatever arrives
            }
        } catch (IOException e) {
            // a broken pipe means the same as end-of-file
        }
        parentGone("stdin closed");
    }

    private static synchronized void parentGone(String why) {
        System.err.println("[parent-watch] " + why + ": shutting down");
        System.exit(0);
    }
}
