package dev.stylize.pipeline;

/**
 * Vigna's SplitMix64 generator, written out so that its stream is a documented contract of this
 * code base rather than of the JDK:
 *
 * <pre>
 * state += 0x9E3779B97F4A7C15                       // golden gamma
 * z = state
 * z = (z ^ (z &gt;&gt;&gt; 30)) * 0xBF58476D1CE4E5B9
 * z = (z ^ (z &gt;&gt;&gt; 27)) * 0x94D049BB133111EB
 * return z ^ (z &gt;&gt;&gt; 31)
 * </pre>
 *
 * All arithmetic is modulo 2^64. Seeded with 0 the first outputs are 0xE220A8397B1DCDAF,
 * 0x6E789E6AA1B965F4, 0x06C45D188009454F (the published reference values).
 */
final class SplitMix64 {
    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    static final long MIX_1 = 0xBF58476D1CE4E5B9L;
    static final long MIX_2 = 0x94D049BB133111EBL;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * MIX_1;
        z = (z ^ (z >>> 27)) * MIX_2;
        return z ^ (z >>> 31);
    }
}
