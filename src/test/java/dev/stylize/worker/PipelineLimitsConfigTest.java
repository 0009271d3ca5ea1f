package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.pipeline.PipelineLimits;
import dev.stylize.runtime.TokenRange;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's canvas limits from its environment, as the README's configuration table names them. */
class PipelineLimitsConfigTest {
    static PipelineLimits limits(Map<String, String> env) {
        WorkerConfig config = new SmallRyeConfigBuilder().withMapping(WorkerConfig.class)
                .withSources(new PropertiesConfigSource(Map.of("stylize.s3.endpoint", "http://127.0.0.1:9",
                        "stylize.s3.access-key", "k", "stylize.s3.secret-key", "s"), "test", 100))
                .withSources(new EnvConfigSource(env, 300))
                .build().getConfigMapping(WorkerConfig.class);
        return PipelineProducer.limits(config);
    }

    @Test
    void unsetCanvasesFollowTheInput() {
        PipelineLimits limits = limits(Map.of());
        assertTrue(limits.canvasSizes().isEmpty());
        assertEquals(PipelineLimits.DEFAULT, limits);
    }

    @Test
    void canvasSizesFromTheEnvironment() {
        PipelineLimits limits = limits(Map.of("STYLIZE_CANVAS_SIZES", "1536x1024,1024x1024"));
        assertEquals("1536x1024,1024x1024", limits.canvasSizes().toString());
        assertEquals(new TokenRange(4096, 6144, 6144), limits.imageTokens());
    }

    @Test
    void badSizesFailNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> limits(Map.of("STYLIZE_CANVAS_SIZES", "1000x1000")));
        assertEquals("STYLIZE_CANVAS_SIZES (stylize.canvas-sizes): canvas sizes: 1000x1000 must have both sides"
                + " positive multiples of 16 (the transformer's tokens are 16x16 pixels)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> limits(Map.of("STYLIZE_CANVAS_SIZES", "1024x1024",
                "STYLIZE_MAX_CANVAS_PIXELS", "1000000")));
        assertTrue(e.getMessage().contains("1024x1024 is 1048576 pixels, more than the canvas budget"), e.getMessage());
    }
}
