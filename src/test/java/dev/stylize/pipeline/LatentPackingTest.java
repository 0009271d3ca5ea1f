package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatentPackingTest {

    /** Golden latent-packing input: latent (16, 4, 6) with lat[c, y, x] = 24c + 6y + x. */
    private static float[] indexLatent() {
        float[] latent = new float[16 * 4 * 6];
        for (int c = 0; c < 16; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    latent[c * 24 + y * 6 + x] = 24 * c + 6 * y + x;
                }
            }
        }
        return latent;
    }

    /**
     * Golden latent packing (docs/pipeline.md#latent-packing): the first token starts
     * [0, 1, 6, 7, 24, 25, 30, 31, …].
     *
     * <p>Mutation check: swapping dy and dx in {@code pack} (channel order c, px, py) would make the
     * first token start [0, 6, 1, 7, 24, 30, 25, 31] and fail at index 1; swapping the token loop
     * (column-major patches) would make token 1 start at 12 instead of 2 and fail the full check below.
     */
    @Test
    void firstTokenMatchesTheSpecGolden() {
        float[] tokens = LatentPacking.pack(indexLatent(), 16, 4, 6);
        assertEquals(6 * 64, tokens.length);
        assertArrayEquals(new float[] {0, 1, 6, 7, 24, 25, 30, 31},
                Arrays.copyOfRange(tokens, 0, 8));
    }

    /**
     * The whole packed tensor against the einops pattern "c (h ph) (w pw) -> (h w) (c ph pw)" read as
     * nested loops i, j, c, dy, dx whose values are simply appended in loop order — no destination
     * index arithmetic, so a wrong stride in the implementation cannot be mirrored here.
     */
    @Test
    void packingEnumeratesPatchesRowMajorThenChannelRowColumn() {
        float[] latent = indexLatent();
        List<Float> expected = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int c = 0; c < 16; c++) {
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            expected.add(24f * c + 6f * (2 * i + dy) + (2 * j + dx));
                        }
                    }
                }
            }
        }
        float[] tokens = LatentPacking.pack(latent, 16, 4, 6);
        for (int k = 0; k < tokens.length; k++) {
            assertEquals(expected.get(k), tokens[k], "packed value " + k);
        }
        assertEquals(2f, tokens[64], "token 1 starts at column 2 of row 0");
        assertEquals(12f, tokens[3 * 64], "token 3 starts at row 2");
    }

    @Test
    void unpackIsTheExactInverse() {
        float[] latent = GaussianNoise.sample(7, 16 * 8 * 10);
        float[] tokens = LatentPacking.pack(latent, 16, 8, 10);
        assertArrayEquals(latent, LatentPacking.unpack(tokens, 16, 8, 10));
        float[] otherTokens = GaussianNoise.sample(8, 20 * 64);
        assertArrayEquals(otherTokens,
                LatentPacking.pack(LatentPacking.unpack(otherTokens, 16, 8, 10), 16, 8, 10));
    }

    /** [x_t 64 | masked-image latent 64 | mask 256] in one 384-wide row (docs/pipeline.md#fill-transformer-input). */
    @Test
    void packIntoWritesItsColumnsOfAWiderBufferOnly() {
        float[] x = indexLatent();
        float[] masked = LatentPacking.unpack(GaussianNoise.sample(3, 6 * 64), 16, 4, 6);
        float[] hidden = new float[6 * 384];
        Arrays.fill(hidden, Float.NaN);
        LatentPacking.packInto(x, 16, 4, 6, hidden, 384, 0);
        LatentPacking.packInto(masked, 16, 4, 6, hidden, 384, 64);
        float[] xTokens = LatentPacking.pack(x, 16, 4, 6);
        float[] maskedTokens = LatentPacking.pack(masked, 16, 4, 6);
        for (int t = 0; t < 6; t++) {
            assertArrayEquals(Arrays.copyOfRange(xTokens, t * 64, t * 64 + 64),
                    Arrays.copyOfRange(hidden, t * 384, t * 384 + 64), "x_t of token " + t);
            assertArrayEquals(Arrays.copyOfRange(maskedTokens, t * 64, t * 64 + 64),
                    Arrays.copyOfRange(hidden, t * 384 + 64, t * 384 + 128), "masked latent of token " + t);
            for (int col = 128; col < 384; col++) {
                assertEquals(Float.NaN, hidden[t * 384 + col], "untouched column " + col);
            }
        }
    }

    /** 16×32 mask where each pixel holds its own index 32y + x. */
    private static float[] rampMask() {
        float[] mask = new float[16 * 32];
        for (int p = 0; p < mask.length; p++) {
            mask[p] = p;
        }
        return mask;
    }

    /** Golden mask packing, ramp pattern: token 0 starts [0, 8, 256, 264, 1, 9, 257, 265, …]. */
    @Test
    void maskRampMatchesTheSpecGolden() {
        float[] tokens = LatentPacking.packMask(rampMask(), 16, 32);
        assertEquals(2 * 256, tokens.length);
        assertArrayEquals(new float[] {0, 8, 256, 264, 1, 9, 257, 265},
                Arrays.copyOfRange(tokens, 0, 8));
    }

    /**
     * Every mask token value against the closed form of docs/pipeline.md#mask-packing,
     * {@code Mtok[i·(w/2)+j, (8py+px)·4 + 2dy + dx] = mask[16i + 8dy + py, 16j + 8dx + px]}, on a
     * 32×48 ramp (2×3 tokens), so rows and columns of tokens are both exercised.
     */
    @Test
    void maskPackingFollowsTheClosedForm() {
        int height = 32;
        int width = 48;
        float[] mask = new float[height * width];
        for (int p = 0; p < mask.length; p++) {
            mask[p] = p;
        }
        float[] tokens = LatentPacking.packMask(mask, height, width);
        assertEquals(6 * 256, tokens.length);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int py = 0; py < 8; py++) {
                    for (int px = 0; px < 8; px++) {
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                double expected = (16 * i + 8 * dy + py) * (double) width + 16 * j + 8 * dx + px;
                                int column = (8 * py + px) * 4 + 2 * dy + dx;
                                assertEquals(expected, tokens[(i * 3 + j) * 256 + column],
                                        "token (" + i + "," + j + ") column " + column);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Golden mask packing, binary pattern: 8-bit mask 255 where x ≥ 16 or (y &lt; 4 and x &lt; 8), plus
     * one edge pixel 128 (→ 1) at (4, 0) and one 127 (→ 0) at (5, 0), binarized then packed:
     * per-token sums [33, 256].
     */
    @Test
    void binaryMaskTokenSumsMatchTheSpecGolden() {
        float[] mask = new float[16 * 32];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                int u8 = (x >= 16 || (y < 4 && x < 8)) ? 255 : 0;
                if (y == 4 && x == 0) {
                    u8 = 128;
                }
                if (y == 5 && x == 0) {
                    u8 = 127;
                }
                mask[y * 32 + x] = PixelConversion.binarizeMask(u8);
            }
        }
        float[] tokens = LatentPacking.packMask(mask, 16, 32);
        float[] sums = new float[2];
        for (int t = 0; t < 2; t++) {
            for (int col = 0; col < 256; col++) {
                sums[t] += tokens[t * 256 + col];
            }
        }
        assertArrayEquals(new float[] {33, 256}, sums);
    }

    @Test
    void rejectsWrongShapes() {
        assertThrows(IllegalArgumentException.class, () -> LatentPacking.pack(new float[16 * 3 * 4], 16, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> LatentPacking.pack(new float[10], 16, 4, 6));
        assertThrows(IllegalArgumentException.class, () -> LatentPacking.unpack(new float[10], 16, 4, 6));
        assertThrows(IllegalArgumentException.class, () -> LatentPacking.packMask(new float[24 * 32], 24, 32));
        assertThrows(IllegalArgumentException.class,
                () -> LatentPacking.packInto(indexLatent(), 16, 4, 6, new float[6 * 384], 384, 330));
        assertThrows(IllegalArgumentException.class,
                () -> LatentPacking.packInto(indexLatent(), 16, 4, 6, new float[5 * 384], 384, 0));
    }
}
