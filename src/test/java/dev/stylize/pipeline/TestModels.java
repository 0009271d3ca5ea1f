package dev.stylize.pipeline;

import dev.stylize.analytic.AnalyticModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Analytic model sets generated once per test JVM. */
public final class TestModels {
    private static final Map<String, Path> SETS = new HashMap<>();
    private static Path root;

    private TestModels() {}

    /** T5 + CLIP + dev transformer, float32. */
    public static Path full() {
        return get("full", AnalyticModels.Options.defaults());
    }

    /** No text encoders (zero text embeddings, diffusers convention), no dev transformer. */
    public static Path imageOnly() {
        return get("image-only", AnalyticModels.Options.defaults().withId("analytic-image-only")
                .withTextEncoders(false).withDevTransformer(false));
    }

    /** No text encoders, with the dev transformer. */
    public static Path imageOnlyDev() {
        return get("image-only-dev", AnalyticModels.Options.defaults().withId("analytic-image-only-dev")
                .withTextEncoders(false));
    }

    /** {@link #imageOnly()} with a VAE encoder that has no {@code logvar} output (posterior mean only). */
    public static Path imageOnlyWithoutLogvar() {
        return get("image-only-no-logvar", AnalyticModels.Options.defaults().withId("analytic-image-only-no-logvar")
                .withTextEncoders(false).withDevTransformer(false).withVaeLogvar(false));
    }

    public static Path float16() {
        return get("f16", AnalyticModels.Options.float16().withTextEncoders(false).withDevTransformer(false));
    }

    /** Each transformer step does real work (for cancellation). */
    public static Path slow() {
        return get("slow", AnalyticModels.Options.defaults().withId("analytic-slow").withTextEncoders(false)
                .withDevTransformer(false).withSlowMatmul(384, 24));
    }

    private static synchronized Path get(String name, AnalyticModels.Options options) {
        return SETS.computeIfAbsent(name, n -> {
            try {
                if (root == null) {
                    root = Files.createTempDirectory("stylize-test-models");
                }
                Path dir = root.resolve(n);
                AnalyticModels.write(dir, options);
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
