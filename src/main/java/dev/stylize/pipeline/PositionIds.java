package dev.stylize.pipeline;

/**
 * Rotary position ids of the transformer inputs (docs/pipeline.md#position-ids), in the ONNX /
 * diffusers layout without a batch dimension. Axis 0 is constant 0 for both streams; image tokens
 * carry (row, column) of their 2×2 patch, text tokens carry zeros. A composite canvas simply spans the whole canvas.
 */
public final class PositionIds {
    private PositionIds() {}

    /**
     * {@code img_ids[t] = (0, i, j)} for token {@code t = i·(w/2) + j}.
     *
     * @param h latent height (H/8), even
     * @param w latent width (W/8), even
     * @return new (h/2·w/2, 3)
     */
    public static float[] imageIds(int h, int w) {
        Shapes.even(h, "h");
        Shapes.even(w, "w");
        int rows = h / LatentPacking.PATCH;
        int cols = w / LatentPacking.PATCH;
        float[] ids = new float[rows * cols * 3];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int t = i * cols + j;
                ids[3 * t + 1] = i;
                ids[3 * t + 2] = j;
            }
        }
        return ids;
    }

    /**
     * {@code txt_ids = zeros(L, 3)}.
     *
     * @param length L_txt (e.g. 512, or 1241 with 729 Redux tokens appended)
     * @return new (length, 3) zeros
     */
    public static float[] textIds(int length) {
        Shapes.require(length >= 0, "length must not be negative, got " + length);
        return new float[length * 3];
    }
}
