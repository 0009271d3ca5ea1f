package dev.stylize.analytic;

import static dev.stylize.analytic.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.runtime.Component;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReduxGraphsTest {

    @TempDir
    static Path dir;
    static OrtGraph siglip;
    static OrtGraph redux;

    @BeforeAll
    static void writeModels() throws Exception {
        AnalyticModels.write(dir, AnalyticModels.Options.defaults().withTextEncoders(false).withDevTransformer(false));
        siglip = OrtGraph.open(dir, Component.SIGLIP);
        redux = OrtGraph.open(dir, Component.REDUX);
    }

    @AfterAll
    static void close() throws Exception {
        siglip.close();
        redux.close();
    }

    private static float[] runSiglip(float[] pixels) throws Exception {
        return siglip.put("pixel_values", pixels, 1, 3, 384, 384).run().get("last_hidden_state");
    }

    @Test
    void siglipTokensAreCellColourAndPositionRowMajor() throws Exception {
        float[] pixels = Fixtures.siglipPicture();
        float[] out = runSiglip(pixels);
        assertEquals(729 * 1152, out.length);
        float[] expected = AnalyticOracle.siglipTokens(pixels);
        float max = 0;
        for (int t = 0; t < 729; t++) {
            for (int ch = 0; ch < 1152; ch++) {
                float e = ch < 5 ? expected[5 * t + ch] : 0f;
                max = Math.max(max, Math.abs(out[t * 1152 + ch] - e));
            }
        }
        assertTrue(max < 1e-5, "max diff " + max);
        // token 27·row + col: row 1, col 0 is token 27 → position (1/26, 0)
        assertEquals(1 / 26f, out[27 * 1152 + 3], 1e-7);
        assertEquals(0f, out[27 * 1152 + 4], 1e-7);
    }

    @Test
    void siglipNeverSeesTheLastSixRowsAndColumns() throws Exception {
        float[] pixels = Fixtures.siglipPicture();
        float[] changed = pixels.clone();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 384; i++) {
                for (int k = 378; k < 384; k++) {
                    changed[(c * 384 + k) * 384 + i] = 5f;
                    changed[(c * 384 + i) * 384 + k] = 5f;
                }
            }
        }
        assertEquals(0f, maxAbsDiff(runSiglip(pixels), runSiglip(changed)));
    }

    @Test
    void reduxCopiesFiveChannelsAndSetsTheFlag() throws Exception {
        // Garbage beyond channel 4 must not leak into the image embeddings.
        float[] siglipEmbeds = Fixtures.uniform(729 * 1152, -2f, 2f, 11);
        float[] out = redux.put("siglip_embeds", siglipEmbeds, 1, 729, 1152).run().get("image_embeds");
        assertEquals(729 * 4096, out.length);
        for (int t = 0; t < 729; t++) {
            for (int ch = 0; ch < 4096; ch++) {
                float e = ch < 5 ? siglipEmbeds[t * 1152 + ch] : ch == AnalyticModels.REDUX_FLAG_CHANNEL ? 1f : 0f;
                assertEquals(e, out[t * 4096 + ch], "token " + t + " channel " + ch);
            }
        }
    }

    @Test
    void siglipThenReduxMatchesOracle() throws Exception {
        float[] pixels = Fixtures.siglipPicture();
        float[] out = redux.put("siglip_embeds", runSiglip(pixels), 1, 729, 1152).run().get("image_embeds");
        float[] expected = AnalyticOracle.reduxTokens(pixels);
        float max = 0;
        for (int t = 0; t < 729; t++) {
            for (int ch = 0; ch < 6; ch++) {
                max = Math.max(max, Math.abs(out[t * 4096 + ch] - expected[6 * t + ch]));
            }
        }
        assertTrue(max < 1e-5, "max diff " + max);
    }
}
