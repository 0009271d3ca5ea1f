package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.RuntimeConfig;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cached prompt embeddings and Redux tokens: the same output, byte for byte, and no encoder session on a hit. */
class EncoderCacheTest {
    static final RgbImage STYLE = TestImages.uniform(64, 64, 200, 40, 90);
    static final RgbImage OTHER_STYLE = TestImages.uniform(64, 64, 20, 140, 90);
    static final RgbImage TARGET = TestImages.gradient(96, 64);
    static final List<Component> ENCODERS = List.of(Component.T5, Component.CLIP, Component.SIGLIP, Component.REDUX);

    Recorder recorder;
    ModelSet set;

    @BeforeEach
    void load() {
        recorder = new Recorder();
        set = ModelSet.load(TestModels.full(), RuntimeConfig.cpu(), recorder);
    }

    @AfterEach
    void close() {
        set.close();
    }

    byte[] restyle(StylizePipeline pipeline, List<Reference> refs, String prompt) {
        ResolvedParams p = ParamResolver.resolve(Mode.INPAINT, new JobParams(3, null, 7L, null, 0.5, 2, null, null,
                null, null, null), set.has(Component.DEV_TRANSFORMER), 1);
        RgbImage mask = TestImages.maskImage(TestImages.lMask(96, 64), 96, 64);
        try (RunControl control = new RunControl()) {
            return pipeline.run(new StylizeRequest("j", refs, TARGET, mask, prompt, p), control, ProgressListener.NONE)
                    .image().rgb();
        }
    }

    int encoderRuns() {
        return ENCODERS.stream().mapToInt(c -> recorder.of(c).size()).sum();
    }

    @Test
    void aHitGivesTheSameBytesWithoutRunningAnEncoder() {
        byte[] uncached = restyle(new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels()),
                List.of(new Reference(STYLE, 0.8, null, "s3://in/style.png#e1", null),
                        new Reference(OTHER_STYLE, 1.0, null, "s3://in/other.png#e1", null)), "a red fox");

        EncoderCache cache = new EncoderCache(64L << 20, 64L << 20);
        StylizePipeline pipeline = new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels(), cache);
        List<Reference> refs = List.of(new Reference(STYLE, 0.8, null, "s3://in/style.png#e1", null),
                new Reference(OTHER_STYLE, 1.0, null, "s3://in/other.png#e1", null));
        byte[] miss = restyle(pipeline, refs, "a red fox");
        int runsBefore = encoderRuns();
        byte[] hit = restyle(pipeline, refs, "a red fox");
        assertEquals(runsBefore, encoderRuns(), "no T5, CLIP, SigLIP or Redux session on a hit");
        assertArrayEquals(uncached, miss, "caching changes nothing");
        assertArrayEquals(uncached, hit, "a hit gives the same bytes");
        assertEquals(2, cache.reduxCache().stats().hitCount());
        assertEquals(1, cache.promptCache().stats().hitCount());
    }

    @Test
    void tokensTakenFromTheCacheStandInForAnImageNeverFetched() {
        EncoderCache cache = new EncoderCache(64L << 20, 64L << 20);
        StylizePipeline pipeline = new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels(), cache);
        byte[] fetched = restyle(pipeline, List.of(new Reference(STYLE, 0.8, null, "s3://in/style.png#e1", null)), null);
        float[] tokens = pipeline.cachedReduxTokens("s3://in/style.png#e1").orElseThrow();
        assertTrue(pipeline.cachedReduxTokens("s3://in/style.png#e2").isEmpty(), "another version, another key");
        int runsBefore = encoderRuns();
        byte[] fromCache = restyle(pipeline, List.of(new Reference(null, 0.8, null, "s3://in/style.png#e1", tokens)),
                null);
        assertEquals(runsBefore, recorder.of(Component.SIGLIP).size() + recorder.of(Component.REDUX).size()
                + recorder.of(Component.T5).size() + recorder.of(Component.CLIP).size());
        assertArrayEquals(fetched, fromCache);
    }

    @Test
    void anotherImageOrPromptIsAMiss() {
        EncoderCache cache = new EncoderCache(64L << 20, 64L << 20);
        StylizePipeline pipeline = new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels(), cache);
        restyle(pipeline, List.of(new Reference(STYLE, 1.0, null, "s3://in/style.png#e1", null)), "a red fox");
        int siglip = recorder.of(Component.SIGLIP).size();
        int t5 = recorder.of(Component.T5).size();
        byte[] other = restyle(pipeline, List.of(new Reference(OTHER_STYLE, 1.0, null, "s3://in/style.png#e2", null)),
                "a blue fox");
        assertEquals(siglip + 1, recorder.of(Component.SIGLIP).size());
        assertEquals(t5 + 1, recorder.of(Component.T5).size());
        byte[] direct = restyle(new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels()),
                List.of(new Reference(OTHER_STYLE)), "a blue fox");
        assertArrayEquals(direct, other);
    }

    @Test
    void theCachesStayWithinTheirBytes() {
        long twoReferences = 2L * 729 * 4096 * Float.BYTES + 1000;
        EncoderCache cache = new EncoderCache(0, twoReferences);
        StylizePipeline pipeline = new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels(), cache);
        for (int i = 0; i < 5; i++) {
            restyle(pipeline, List.of(new Reference(TestImages.uniform(64, 64, 40 * i, 40, 90), 1.0, null,
                    "s3://in/ref-" + i + ".png#e", null)), null);
        }
        cache.reduxCache().cleanUp();
        long bytes = cache.reduxCache().policy().eviction().orElseThrow().weightedSize().orElseThrow();
        assertTrue(bytes <= twoReferences, bytes + " bytes held");
        assertEquals(3, cache.reduxCache().stats().evictionCount());
        assertEquals(2, cache.reduxCache().estimatedSize());
        assertEquals(null, cache.promptCache(), "0 bytes: no prompt cache");
    }

    @Test
    void aCancelledEncoderLeavesNothingInTheCache() {
        EncoderCache cache = new EncoderCache(64L << 20, 64L << 20);
        StylizePipeline pipeline = new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels(), cache);
        ResolvedParams p = ParamResolver.resolve(Mode.RESTYLE, JobParams.defaults(), true, 1);
        try (RunControl control = new RunControl()) {
            control.cancel();
            StylizeException e = assertThrows(StylizeException.class, () -> pipeline.run(new StylizeRequest("j",
                    List.of(new Reference(STYLE, 1.0, null, "s3://in/style.png#e1", null)), TARGET, null, "x", p),
                    control, ProgressListener.NONE));
            assertEquals(ErrorCode.CANCELLED, e.code());
        }
        assertFalse(pipeline.cachedReduxTokens("s3://in/style.png#e1").isPresent());
        assertEquals(0, cache.promptCache().estimatedSize());
    }
}
