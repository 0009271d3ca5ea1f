package dev.stylize.embedded;

import java.util.Map;

/**
 * One {@link EmbeddedStack} per test JVM: started by the first {@link #get()}, stopped by the
 * stack's JVM shutdown hook (never close it). Tests may restart its broker or S3 server but must
 * leave them running.
 *
 * <p>"Per JVM", not per class loader: {@code @QuarkusTest} classes load the application (and this
 * class) again in Quarkus' own class loader. The first caller publishes the stack's
 * {@link EmbeddedStack#handle() handle} (JDK types only) in the system properties; callers from
 * other class loaders {@link EmbeddedStack#attach attach} to it.
 */
public final class SharedStack {
    private static final String HANDLE = "dev.stylize.embedded.SharedStack.handle";
    private static final String FAILURE = "dev.stylize.embedded.SharedStack.failure";
    private static final String LOCK = "dev.stylize.embedded.SharedStack.lock";

    private static EmbeddedStack stack;

    private SharedStack() {}

    @SuppressWarnings("unchecked")
    public static EmbeddedStack get() {
        // A lock object every class loader finds (not the Properties object: its own methods lock it).
        Object lock = System.getProperties().computeIfAbsent(LOCK, k -> new Object());
        synchronized (lock) {
            if (stack != null) {
                return stack;
            }
            Object failure = System.getProperties().get(FAILURE);
            if (failure != null) {
                throw new IllegalStateException("the shared embedded stack failed to start earlier: " + failure);
            }
            Object handle = System.getProperties().get(HANDLE);
            if (handle != null) {
                stack = EmbeddedStack.attach((Map<String, Object>) handle);
                return stack;
            }
            try {
                long t0 = System.nanoTime();
                stack = EmbeddedStack.start();
                System.getProperties().put(HANDLE, stack.handle());
                System.out.printf("[shared-stack] up in %d ms (broker %d ms, s3 %d ms): %s%n",
                        (System.nanoTime() - t0) / 1_000_000, stack.broker().lastStartMillis(),
                        stack.s3().lastStartMillis(), stack.envLines().subList(0, 2));
            } catch (RuntimeException e) {
                System.getProperties().put(FAILURE, e.toString());
                throw e;
            }
            return stack;
        }
    }
}
