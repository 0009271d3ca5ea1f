package dev.stylize.pipeline;

/**
 * Conversions between 8-bit pixels and the [−1, 1] float domain of the VAE, following diffusers'
 * {@code VaeImageProcessor} (docs/pipeline.md#8-bit-output, docs/pipeline.md#mask-binarization).
 */
public final class PixelConversion {
    private PixelConversion() {}

    /**
     * Decoder output to 8 bits, diffusers' rule: {@code y = clamp(x·0.5 + 0.5, 0, 1)} in float32,
     * then {@code round(y·255)} with round half to even (numpy {@code round}). BFL truncates instead
     * and NVIDIA rounds without the float32 intermediate; neither is reproduced here. NaN maps to 0.
     *
     * @return 0..255
     */
    public static int toUint8(float x) {
        if (Float.isNaN(x)) {
            return 0;
        }
        float y = Math.min(Math.max(x * 0.5f + 0.5f, 0f), 1f);
        return (int) Math.rint(y * 255f);
    }

    /**
     * Binarizes an 8-bit mask value (diffusers {@code do_binarize}): {@code u/255 ≥ 0.5 → 1},
     * else 0, i.e. 128..255 → 1 (generate) and 0..127 → 0 (keep).
     *
     * @param u8 0..255
     * @return 0f or 1f
     */
    public static float binarizeMask(int u8) {
        checkByte(u8, "u8");
        return u8 >= 128 ? 1f : 0f;
    }

    private static void checkByte(int value, String name) {
        Shapes.require(value >= 0 && value <= 255, name + " must be in 0..255, got " + value);
    }
}
