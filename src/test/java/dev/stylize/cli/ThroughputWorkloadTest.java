package dev.stylize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.analytic.AnalyticModels;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ThroughputWorkloadTest {

    @Test
    void everyJobANewKeyAtHitRatioZero() {
        ThroughputWorkload w = ThroughputWorkload.generate(12, 0, 7);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), w.jobKeys());
        assertEquals(12, w.misses());
        assertEquals(12, w.distinctKeys());
        assertEquals(13, w.keys(), "the warm-up's key and one per job");
        assertEquals(0.0, w.hitRatio());
    }

    @Test
    void everyJobReusesTheWarmupKeyAtHitRatioOne() {
        ThroughputWorkload w = ThroughputWorkload.generate(5, 1, 7);
        assertEquals(List.of(0, 0, 0, 0, 0), w.jobKeys());
        assertEquals(0, w.misses());
        assertEquals(1.0, w.hitRatio());
        assertEquals(1, w.keys());
    }

    @Test
    void theHitRatioIsRoundedToWholeJobsAndHitsOnlyReuseKeysAlreadySeen() {
        for (long seed = 0; seed < 50; seed++) {
            for (double ratio : new double[] {0.25, 0.5, 0.9}) {
                ThroughputWorkload w = ThroughputWorkload.generate(20, ratio, seed);
                int expectedMisses = (int) Math.round((1 - ratio) * 20);
                assertEquals(expectedMisses, w.misses());
                assertEquals(expectedMisses + 1, w.keys());
                assertEquals(ratio, w.hitRatio(), 0.025);
                Set<Integer> seen = new HashSet<>(Set.of(ThroughputWorkload.WARMUP_KEY));
                int next = 1;
                for (int k : w.jobKeys()) {
                    if (!seen.contains(k)) {
                        assertEquals(next++, k, "new keys are introduced in order: " + w.jobKeys());
                        seen.add(k);
                    }
                }
                assertEquals(w.keys(), next);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameWorkloadAndAnotherSeedAnotherOne() {
        ThroughputWorkload a = ThroughputWorkload.generate(30, 0.6, 42);
        assertEquals(a, ThroughputWorkload.generate(30, 0.6, 42));
        assertNotEquals(a.jobKeys(), ThroughputWorkload.generate(30, 0.6, 43).jobKeys());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ThroughputWorkload.generate(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ThroughputWorkload.generate(3, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> ThroughputWorkload.generate(3, Double.NaN, 1));
    }

    @Test
    void distinctKeysHaveDistinctPromptsOfKnownWords() {
        List<String> words = AnalyticModels.vocabulary().stream().filter(w -> w.chars().allMatch(Character::isLetter))
                .toList();
        Set<String> prompts = new HashSet<>();
        for (int k = 0; k < 3000; k++) {
            String p = ThroughputWorkload.prompt(k, words);
            assertTrue(prompts.add(p), "duplicate prompt " + p);
            for (String w : p.split(" ")) {
                assertTrue(words.contains(w), w + " is not in the analytic vocabulary");
            }
        }
    }
}
