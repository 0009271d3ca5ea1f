package dev.stylize.embedded;

/**
 * One {@link EmbeddedStack} per test JVM: started by the first {@link #get()}, stopped by the
 * stack's JVM shutdown hook (never close it). Tests may restart its broker or S3 server but must
 * leave them running.
 */
public final class SharedStack {
    private static EmbeddedStack stack;
    /** A start that failed fails every later caller at once, rather than each trying again. */
    private static RuntimeException failure;

    private SharedStack() {}

    public static synchronized EmbeddedStack get() {
        if (stack != null) {
            return stack;
        }
        if (failure != null) {
            throw new IllegalStateException("the shared embedded stack failed to start earlier", failure);
        }
        try {
            long t0 = System.nanoTime();
            stack = EmbeddedStack.start();
            System.out.printf("[shared-stack] up in %d ms (broker %d ms, s3 %d ms): %s%n",
                    (System.nanoTime() - t0) / 1_000_000, stack.broker().lastStartMillis(),
                    stack.s3().lastStartMillis(), stack.envLines().subList(0, 2));
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
        return stack;
    }
}
