package dev.stylize.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The jobs of a throughput benchmark: which conditioning key (a reference image together with a prompt)
 * each job uses. Key {@value #WARMUP_KEY} belongs to the warm-up job that runs before the measured ones;
 * a measured job either introduces a new key (a <em>miss</em>: its reference and prompt were never
 * encoded) or reuses one introduced earlier, the warm-up's included (a <em>hit</em> for an encoder cache
 * large enough to hold every key). So a hit ratio of 1 means every measured job reuses keys the warm-up
 * or an earlier job encoded.
 *
 * <p>Deterministic from the seed ({@link SplittableRandom}, whose algorithm is specified): both modes of a
 * run, and runs on other machines, see the same list.
 *
 * @param keys       keys in all, the warm-up's included (keys are numbered 0 to keys − 1)
 * @param jobKeys    the key of each measured job, in submission order
 */
record ThroughputWorkload(int keys, List<Integer> jobKeys) {
    static final int WARMUP_KEY = 0;

    ThroughputWorkload {
        jobKeys = List.copyOf(jobKeys);
    }

    /**
     * {@code jobs} measured jobs of which round((1 − hitRatio)·jobs) introduce a new key; the positions of
     * those misses, and the earlier key each hit reuses, are drawn from {@code seed}.
     */
    static ThroughputWorkload generate(int jobs, double hitRatio, long seed) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        }
        if (!(hitRatio >= 0 && hitRatio <= 1)) {
            throw new IllegalArgumentException("hit ratio must be in [0, 1], got " + hitRatio);
        }
        int misses = (int) Math.round((1 - hitRatio) * jobs);
        SplittableRandom random = new SplittableRandom(seed);
        List<Boolean> isMiss = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            isMiss.add(i < misses);
        }
        // Fisher–Yates with our own generator: Collections.shuffle(list, Random) would tie us to java.util.Random.
        for (int i = jobs - 1; i > 0; i--) {
            Collections.swap(isMiss, i, random.nextInt(i + 1));
        }
        List<Integer> keys = new ArrayList<>(jobs);
        int next = WARMUP_KEY + 1;
        for (boolean miss : isMiss) {
            keys.add(miss ? next++ : random.nextInt(next));
        }
        return new ThroughputWorkload(next, keys);
    }

    /** Measured jobs that introduce a key: with caches on, each runs T5, CLIP, SigLIP and Redux once. */
    int misses() {
        int seen = WARMUP_KEY;
        int misses = 0;
        for (int k : jobKeys) {
            if (k > seen) {
                misses++;
                seen = k;
            }
        }
        return misses;
    }

    /** Hits over measured jobs. */
    double hitRatio() {
        return (double) (jobKeys.size() - misses()) / jobKeys.size();
    }

    /** Distinct keys the measured jobs use (the warm-up's counts when a measured job reuses it). */
    long distinctKeys() {
        return jobKeys.stream().distinct().count();
    }

    /**
     * The prompt of a key: words of the analytic tokenizers' vocabulary (an unknown word would map to the
     * unknown token, and distinct prompts would tokenize, and cache, alike), the key's digits in base
     * {@code words.size()} after a fixed opening. Real tokenizers keep distinct English words distinct too.
     */
    static String prompt(int key, List<String> words) {
        StringBuilder sb = new StringBuilder("a watercolor painting of");
        int k = key;
        do {
            sb.append(' ').append(words.get(k % words.size()));
            k /= words.size();
        } while (k > 0);
        return sb.toString();
    }
}
