package dev.stylize.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The initial noise x_T ~ N(0, 1) (docs/pipeline.md#initial-noise) as a documented, version-stable
 * function of a seed. Torch's stream cannot be reproduced here, so a job's noise is defined by this class alone:
 *
 * <ol>
 *   <li>{@link SplitMix64} seeded with {@code seed} (its constants are in that class) gives 64-bit
 *       words w_0, w_1, …
 *   <li>Each pair of words (w_{2m}, w_{2m+1}) gives two uniforms on 53 bits:
 *       {@code u1 = ((w_{2m} >>> 11) + 1)·2^-53 ∈ (0, 1]} and {@code u2 = (w_{2m+1} >>> 11)·2^-53 ∈ [0, 1)}.
 *   <li>Box–Muller in double with {@link StrictMath} (fdlibm, identical on every JVM):
 *       {@code r = sqrt(−2·ln u1)}, {@code z_{2m} = r·cos(2π·u2)}, {@code z_{2m+1} = r·sin(2π·u2)}.
 *   <li>Each z is rounded to float32. An odd count drops the last sine.
 * </ol>
 *
 * Sample k therefore does not depend on {@code count}: a longer draw extends a shorter one. Noise
 * other than x_T (the VAE posterior sample) is drawn the same way from a {@link #streamSeed}.
 * {@code java.util.Random} and {@code SplittableRandom} are deliberately not used — their streams
 * are implementation details of the JDK.
 */
public final class GaussianNoise {
    private static final double UNIT = 0x1.0p-53;

    private GaussianNoise() {}

    /**
     * @param count number of values, e.g. 16·h·w for a (16, h, w) latent
     * @return new float[count] of standard normal samples, in stream order
     */
    public static float[] sample(long seed, int count) {
        Shapes.require(count >= 0, "count must not be negative, got " + count);
        SplitMix64 words = new SplitMix64(seed);
        float[] noise = new float[count];
        for (int k = 0; k < count; k += 2) {
            double u1 = ((words.nextLong() >>> 11) + 1) * UNIT;
            double u2 = (words.nextLong() >>> 11) * UNIT;
            double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
            double angle = 2.0 * StrictMath.PI * u2;
            noise[k] = (float) (radius * StrictMath.cos(angle));
            if (k + 1 < count) {
                noise[k + 1] = (float) (radius * StrictMath.sin(angle));
            }
        }
        return noise;
    }

    /**
     * The seed of a named noise stream of a job, so that noise drawn for another purpose than x_T is
     * not x_T's (nor another stream's) values again: the first 8 bytes, read big-endian, of SHA-256 of
     * the UTF-8 string {@code stream + ":" + seed} (seed in decimal, e.g. {@code "vae-posterior/masked-image:42"}).
     */
    public static long streamSeed(long seed, String stream) {
        Shapes.require(stream != null && !stream.isEmpty(), "stream must not be empty");
        byte[] digest = sha256().digest((stream + ":" + seed).getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    }

    /**
     * The default seed of a job: the first 8 bytes of SHA-256 of the UTF-8 job id, read big-endian,
     * with the sign bit cleared (so the seed is non-negative and prints the same everywhere).
     */
    public static long seedFromJobId(String jobId) {
        Shapes.require(jobId != null, "jobId must not be null");
        byte[] digest = sha256().digest(jobId.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong() & Long.MAX_VALUE;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /**
     * The first latent of the loop: σ·E + (1 − σ)·z_init at the start σ (img2img), or the noise E itself
     * when there is no init latent (BFL {@code get_noise} / diffusers {@code prepare_latents}).
     */
    static float[] startLatent(long seed, float sigma, float[] init, int count) {
        float[] noise = sample(seed, count);
        if (init == null) {
            return noise;
        }
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = sigma * noise[i] + (1 - sigma) * init[i];
        }
        return x;
    }
}
