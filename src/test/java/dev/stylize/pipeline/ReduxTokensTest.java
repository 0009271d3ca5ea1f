package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReduxTokensTest {
    private static final int GRID = 27;

    /** 27×27 tokens of width 2: channel 0 = 27r + c (the token index), channel 1 = r². */
    private static float[] gridTokens() {
        float[] tokens = new float[GRID * GRID * 2];
        for (int r = 0; r < GRID; r++) {
            for (int c = 0; c < GRID; c++) {
                tokens[(r * GRID + c) * 2] = 27 * r + c;
                tokens[(r * GRID + c) * 2 + 1] = r * r;
            }
        }
        return tokens;
    }

    /** docs/pipeline.md#redux-strength-controls: factors 1..5 give 729, 169, 81, 36, 25 tokens. */
    @ParameterizedTest
    @CsvSource({"1, 729", "2, 169", "3, 81", "4, 36", "5, 25", "27, 1"})
    void downsampledTokenCounts(int k, int count) {
        assertEquals(count * 2, ReduxTokens.downsample(gridTokens(), 2, k).length);
    }

    /**
     * k = 2 → 13×13. Area bins [floor(27i/13), ceil(27(i+1)/13)) are, worked by hand,
     * [0,3) [2,5) [4,7) … [24,27): three rows starting at 2i, overlapping by one. Bin (1, 1) covers rows
     * and columns 2..4: channel 0 averages to 27·3 + 3 = 84, channel 1 to (4 + 9 + 16)/3 = 29/3. In
     * general channel 0 of bin (i, j) is the middle token 27(2i+1) + (2j+1).
     */
    @Test
    void factorTwoAveragesOverlappingThreeByThreeBins() {
        float[] out = ReduxTokens.downsample(gridTokens(), 2, 2);
        int bin11 = (1 * 13 + 1) * 2;
        assertEquals(84f, out[bin11]);
        assertEquals(29f / 3f, out[bin11 + 1], 1e-6);
        for (int i = 0; i < 13; i++) {
            for (int j = 0; j < 13; j++) {
                assertEquals(27f * (2 * i + 1) + (2 * j + 1), out[(i * 13 + j) * 2], 1e-4, "bin " + i + "," + j);
                double rowSquares = (2 * i) * (2 * i) + (2 * i + 1) * (2 * i + 1) + (2 * i + 2) * (2 * i + 2);
                assertEquals(rowSquares / 3, out[(i * 13 + j) * 2 + 1], 1e-4, "bin " + i + "," + j);
            }
        }
    }

    /** k = 4 → 6×6 with bins (by hand) [0,5) [4,9) [9,14) [13,18) [18,23) [22,27): bin (1,2) = 27·6 + 11. */
    @Test
    void factorFourUsesUnevenBins() {
        float[] out = ReduxTokens.downsample(gridTokens(), 2, 4);
        assertEquals(27f * 6 + 11, out[(1 * 6 + 2) * 2], 1e-4);
        assertEquals(27f * 2 + 24, out[(0 * 6 + 5) * 2], 1e-4, "rows 0..4, columns 22..26");
    }

    /** k = 3 → 81 tokens, each the plain mean of a disjoint 3×3 block (reference in double). */
    @Test
    void factorThreeGivesExactThreeByThreeMeans() {
        int width = 5;
        float[] tokens = GaussianNoise.sample(99, GRID * GRID * width);
        float[] out = ReduxTokens.downsample(tokens, width, 3);
        assertEquals(81 * width, out.length);
        for (int bi = 0; bi < 9; bi++) {
            for (int bj = 0; bj < 9; bj++) {
                for (int d = 0; d < width; d++) {
                    double sum = 0;
                    for (int dr = 0; dr < 3; dr++) {
                        for (int dc = 0; dc < 3; dc++) {
                            sum += tokens[((3 * bi + dr) * GRID + 3 * bj + dc) * width + d];
                        }
                    }
                    assertEquals(sum / 9, out[(bi * 9 + bj) * width + d], 1e-6);
                }
            }
        }
    }

    @Test
    void factorOneIsACopy() {
        float[] tokens = gridTokens();
        assertArrayEquals(tokens, ReduxTokens.downsample(tokens, 2, 1));
    }

    /** Left half of a 384×384 mask (x &lt; 192): patch column 13 covers pixels 182..195, so columns 0..13. */
    @Test
    void patchMaskOfTheLeftHalfKeepsColumnsZeroToThirteen() {
        float[] mask = new float[384 * 384];
        for (int y = 0; y < 384; y++) {
            for (int x = 0; x < 192; x++) {
                mask[y * 384 + x] = 1f;
            }
        }
        boolean[] on = ReduxTokens.patchMask(mask, 384, 14);
        assertEquals(729, on.length);
        for (int r = 0; r < GRID; r++) {
            for (int c = 0; c < GRID; c++) {
                assertEquals(c <= 13, on[r * GRID + c], "token " + r + "," + c);
            }
        }
    }

    /** Single pixels: (195,195) is patch (13,13), (377,377) is (26,26), row/column 378..383 is never seen. */
    @Test
    void patchMaskMapsPixelsToPatches() {
        float[] mask = new float[384 * 384];
        mask[195 * 384 + 195] = 0.5f;
        mask[377 * 384 + 377] = 1f;
        mask[378 * 384 + 10] = 1f;
        mask[10 * 384 + 383] = 1f;
        boolean[] on = ReduxTokens.patchMask(mask, 384, 14);
        boolean[] expected = new boolean[729];
        expected[13 * GRID + 13] = true;
        expected[26 * GRID + 26] = true;
        assertArrayEquals(expected, on);
    }

    /** Token (2,2) lies in bins 0 and 1 of both axes for k = 2 (overlap), only in bin 0 for k = 3. */
    @Test
    void downsampledMaskKeepsBinsWithAnyTokenOn() {
        boolean[] grid = new boolean[729];
        grid[2 * GRID + 2] = true;
        boolean[] two = ReduxTokens.downsampleMask(grid, 2);
        boolean[] expectedTwo = new boolean[169];
        expectedTwo[0] = expectedTwo[1] = expectedTwo[13] = expectedTwo[14] = true;
        assertArrayEquals(expectedTwo, two);
        boolean[] expectedThree = new boolean[81];
        expectedThree[0] = true;
        assertArrayEquals(expectedThree, ReduxTokens.downsampleMask(grid, 3));
        assertArrayEquals(grid, ReduxTokens.downsampleMask(grid, 1));
    }

    @Test
    void keepDropsTokensInOrder() {
        float[] tokens = {0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f};
        assertArrayEquals(new float[] {1, 1.5f, 3, 3.5f},
                ReduxTokens.keep(tokens, 2, new boolean[] {false, true, false, true}));
        assertEquals(0, ReduxTokens.keep(tokens, 2, new boolean[4]).length);
    }

    @Test
    void scaleConcatSumAndAppend() {
        float[] a = {1, 2, 3, 4};
        float[] b = {10, 20, 30, 40};
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, ReduxTokens.scale(a, 0.5f));
        assertArrayEquals(new float[] {1, 2, 3, 4, 10, 20, 30, 40, 5, 6}, ReduxTokens.concat(List.of(a, b, new float[] {5, 6})));
        assertArrayEquals(new float[] {11, 22, 33, 44}, ReduxTokens.sum(List.of(a, b), 2));
        assertArrayEquals(new float[] {10, 20, 30, 40, 1, 2, 3, 4}, ReduxTokens.appendToText(b, a));
        assertArrayEquals(new float[] {1, 2, 3, 4}, a, "inputs are not modified");
    }

    /** docs/pipeline.md#conditioning-sequence: (512, w) text + (729, w) Redux = 1241 rows, text first. */
    @Test
    void appendToTextPutsTextRowsFirst() {
        int width = 3;
        float[] text = new float[512 * width];
        float[] redux = new float[729 * width];
        Arrays.fill(redux, 1f);
        float[] sequence = ReduxTokens.appendToText(text, redux);
        assertEquals(1241 * width, sequence.length);
        assertEquals(0f, sequence[511 * width + 2]);
        assertEquals(1f, sequence[512 * width]);
    }

    /** The fused form gives the same floats as scaling, then appending (bit for bit: one product each). */
    @Test
    void appendScaledEqualsScaleThenAppend() {
        float[] text = {0.1f, -2.5f, 3.3f, 7f};
        float[] redux = {0.3f, 1.7f, -0.9f, 1e-7f, 123.456f, -0f};
        for (float s : new float[] {1f, 0.35f, 1.1f, 0f}) {
            float[] fused = ReduxTokens.appendToText(text, redux, s);
            float[] composed = ReduxTokens.appendToText(text, ReduxTokens.scale(redux.clone(), s));
            assertEquals(Arrays.toString(composed), Arrays.toString(fused), "s=" + s);
            for (int k = 0; k < fused.length; k++) {
                assertEquals(Float.floatToRawIntBits(composed[k]), Float.floatToRawIntBits(fused[k]), "s=" + s + " k=" + k);
            }
        }
        assertArrayEquals(new float[] {0.3f, 1.7f, -0.9f, 1e-7f, 123.456f, -0f}, redux, "input is not modified");
    }

    /** A conditioning sequence is tens of MB: a factor of 1, one reference, one summand copy nothing. */
    @Test
    void identityStepsReturnTheirInput() {
        float[] a = {1, 2, 3, 4};
        assertSame(a, ReduxTokens.scale(a, 1f));
        assertSame(a, ReduxTokens.concat(List.of(a)));
        assertSame(a, ReduxTokens.sum(List.of(a), 2));
        assertNotSame(a, ReduxTokens.scale(a, 2f));
    }

    @Test
    void rejectsWrongShapes() {
        assertThrows(IllegalArgumentException.class, () -> ReduxTokens.downsample(gridTokens(), 2, 0));
        assertThrows(IllegalArgumentException.class, () -> ReduxTokens.downsample(gridTokens(), 2, 28));
        assertThrows(IllegalArgumentException.class, () -> ReduxTokens.downsample(new float[10], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> ReduxTokens.sum(List.of(new float[4], new float[6]), 2));
        assertThrows(IllegalArgumentException.class, () -> ReduxTokens.keep(new float[6], 2, new boolean[2]));
        assertThrows(IllegalArgumentException.class, () -> ReduxTokens.downsampleMask(new boolean[10], 2));
    }
}
