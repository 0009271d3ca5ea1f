package dev.stylize.analytic;

import static dev.stylize.analytic.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.stylize.runtime.Component;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextGraphsTest {

    @TempDir
    static Path dir;
    static OrtGraph t5;
    static OrtGraph clip;

    @BeforeAll
    static void writeModels() throws Exception {
        AnalyticModels.write(dir, AnalyticModels.Options.defaults().withDevTransformer(false));
        t5 = OrtGraph.open(dir, Component.T5);
        clip = OrtGraph.open(dir, Component.CLIP);
    }

    @AfterAll
    static void close() throws Exception {
        t5.close();
        clip.close();
    }

    private static int wordId(String word) {
        return AnalyticModels.FIRST_WORD_ID + AnalyticModels.vocabulary().indexOf(word);
    }

    @Test
    void t5LooksUpDistinctRowsThatLeaveReduxChannelsZero() throws Exception {
        int[] ids = new int[512];
        for (int s = 0; s < ids.length; s++) {
            ids[s] = (s * 7 + 3) % AnalyticModels.vocabularySize();
        }
        float[] out = t5.put("input_ids", ids, 1, 512).run().get("text_embeddings");
        assertEquals(0f, maxAbsDiff(AnalyticOracle.textEmbeddings(ids, 4096), out));
        for (int v = 0; v < AnalyticModels.vocabularySize(); v++) {
            for (int ch = 0; ch < 6; ch++) {
                assertEquals(0f, AnalyticOracle.textEmbedding(v, ch));
            }
            assertNotEquals(0f, AnalyticOracle.textEmbedding(v, 6));
            if (v > 0) {
                assertNotEquals(AnalyticOracle.textEmbedding(v - 1, 100), AnalyticOracle.textEmbedding(v, 100));
            }
        }
    }

    @Test
    void clipPooledIsTheMeanRow() throws Exception {
        int[] ids = new int[77];
        Arrays.fill(ids, AnalyticModels.CLIP_EOS_ID);
        ids[0] = AnalyticModels.CLIP_BOS_ID;
        ids[1] = wordId("red");
        ids[2] = wordId("cat");
        var out = clip.put("input_ids", ids, 1, 77).run();
        assertEquals(0f, maxAbsDiff(AnalyticOracle.textEmbeddings(ids, 768), out.get("text_embeddings")));
        assertTrue(maxAbsDiff(AnalyticOracle.clipPooled(ids), out.get("pooled_embeddings")) < 1e-6);
    }

    @Test
    void t5TokenizerAppendsEos() throws Exception {
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("t5/tokenizer.json"))) {
            Encoding e = tok.encode("A red cat, at Sunset zebra.");
            long[] expected = {wordId("a"), wordId("red"), wordId("cat"), wordId(","), wordId("at"),
                    wordId("sunset"), AnalyticModels.UNK_ID, wordId("."), AnalyticModels.T5_EOS_ID};
            assertArrayEquals(expected, Arrays.copyOf(e.getIds(), expected.length));
        }
    }

    @Test
    void clipTokenizerWrapsWithBosAndEos() throws Exception {
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("clip/tokenizer.json"))) {
            Encoding e = tok.encode("oil painting");
            long[] expected = {AnalyticModels.CLIP_BOS_ID, wordId("oil"), wordId("painting"),
                    AnalyticModels.CLIP_EOS_ID};
            assertArrayEquals(expected, Arrays.copyOf(e.getIds(), expected.length));
        }
    }
}
