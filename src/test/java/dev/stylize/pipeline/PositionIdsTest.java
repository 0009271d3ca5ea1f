package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PositionIdsTest {

    /** Golden ids (docs/pipeline.md#position-ids): H=32, W=48 → latent 4×6 → 2×3 tokens. */
    @Test
    void imageIdsMatchTheSpecGolden() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 1, 2},
                PositionIds.imageIds(4, 6));
    }

    /**
     * A 1536×768 composite canvas (docs/pipeline.md#composite-canvas): 48 token rows × 96 token columns
     * = 4608 ids spanning it all.
     */
    @Test
    void imageIdsSpanTheWholeCanvas() {
        float[] ids = PositionIds.imageIds(96, 192);
        assertEquals(4608 * 3, ids.length);
        int t = 0;
        for (int row = 0; row < 48; row++) {
            for (int col = 0; col < 96; col++, t++) {
                assertArrayEquals(new float[] {0, row, col}, new float[] {ids[3 * t], ids[3 * t + 1], ids[3 * t + 2]});
            }
        }
    }

    @Test
    void textIdsAreZeros() {
        float[] ids = PositionIds.textIds(1241);
        assertEquals(1241 * 3, ids.length);
        for (float id : ids) {
            assertEquals(0f, id);
        }
    }

    @Test
    void rejectsOddLatentSides() {
        assertThrows(IllegalArgumentException.class, () -> PositionIds.imageIds(5, 6));
        assertThrows(IllegalArgumentException.class, () -> PositionIds.textIds(-1));
    }
}
