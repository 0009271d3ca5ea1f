package dev.stylize.analytic;

import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the analytic reference model set: small ONNX graphs with the exact I/O contract of the
 * real FLUX.1 Redux + Fill components (docs/pipeline.md#onnx-tensor-contract) whose outputs are
 * closed-form, so pipeline tests can predict every output value and any routing mistake (transposed
 * grid, swapped packing axes, wrong token order, wrong scale/shift) changes the result. Formulas:
 * docs/analytic-models.md.
 */
public final class AnalyticModels {

    /**
     * FLOAT32 everywhere, or FLOAT16_MIXED: float16 graph boundaries (as real fp16 exports; ids,
     * guidance float32, input_ids int32) around float32 bodies.
     */
    public enum Precision { FLOAT32, FLOAT16_MIXED }

    /**
     * What to write.
     *
     * @param slowMatmulSize    S &gt; 0 adds a chain of {@code slowMatmulRepeats} S×S MatMuls to the
     *                          transformers (real compute, weight 0: values unchanged)
     * @param productionCosts   every component also burns CPU in proportion to the real component's
     *                          cost, and the manifest carries production providers and the modelled
     *                          cost ({@link CostModel}, docs/cost-model.md); values unchanged
     * @param vaeLogvar         the VAE encoder also outputs the posterior log-variance ({@code logvar},
     *                          {@link #vaeLogvarOffset}); without it, only {@code posterior: mean} works
     */
    public record Options(String id, Precision precision, boolean textEncoders, boolean devTransformer,
                          int slowMatmulSize, int slowMatmulRepeats, boolean productionCosts, boolean vaeLogvar) {

        public Options {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id must not be blank");
            }
            if (precision == null) {
                throw new IllegalArgumentException("precision must not be null");
            }
            if (slowMatmulSize < 0 || slowMatmulRepeats < 0) {
                throw new IllegalArgumentException("slow matmul size/repeats must be >= 0");
            }
        }

        /** "analytic-f32": float32, with text encoders and the dev transformer, not slow. */
        public static Options defaults() {
            return new Options("analytic-f32", Precision.FLOAT32, true, true, 0, 0, false, true);
        }

        /** "analytic-f16": {@link #defaults()} with float16 boundaries (FLOAT16_MIXED). */
        public static Options float16() {
            return defaults().withId("analytic-f16").withPrecision(Precision.FLOAT16_MIXED);
        }

        /** "analytic-production-costs": {@link #defaults()} with production costs. */
        public static Options productionCostProfile() {
            return defaults().withId("analytic-production-costs").withProductionCosts(true);
        }

        public Options withId(String newId) {
            return new Options(newId, precision, textEncoders, devTransformer, slowMatmulSize, slowMatmulRepeats,
                    productionCosts, vaeLogvar);
        }

        public Options withPrecision(Precision p) {
            return new Options(id, p, textEncoders, devTransformer, slowMatmulSize, slowMatmulRepeats,
                    productionCosts, vaeLogvar);
        }

        public Options withTextEncoders(boolean on) {
            return new Options(id, precision, on, devTransformer, slowMatmulSize, slowMatmulRepeats, productionCosts,
                    vaeLogvar);
        }

        public Options withDevTransformer(boolean on) {
            return new Options(id, precision, textEncoders, on, slowMatmulSize, slowMatmulRepeats, productionCosts,
                    vaeLogvar);
        }

        public Options withSlowMatmul(int size, int repeats) {
            return new Options(id, precision, textEncoders, devTransformer, size, repeats, productionCosts, vaeLogvar);
        }

        public Options withProductionCosts(boolean on) {
            return new Options(id, precision, textEncoders, devTransformer, slowMatmulSize, slowMatmulRepeats, on,
                    vaeLogvar);
        }

        public Options withVaeLogvar(boolean on) {
            return new Options(id, precision, textEncoders, devTransformer, slowMatmulSize, slowMatmulRepeats,
                    productionCosts, on);
        }
    }

    // ---- constants the closed forms use (see docs/analytic-models.md) ------------------------

    public static final int LATENT_CHANNELS = 16;
    /** Velocity on this channel is KAPPA·(x − T) instead of (x − T)/σ. */
    public static final int KAPPA_CHANNEL = 14;
    /** Target on this channel is DELTA·(3·Y + X) (canonical latent row Y, column X). */
    public static final int PROBE_CHANNEL = 15;
    public static final float KAPPA = 0.5f;
    public static final float DELTA = 0.01f;
    /**
     * encoder_hidden_states rows before this index are text (T5 length, manifest textLength); the
     * transformers average colour channels 0..2 of the rows from here on (the Redux tokens).
     */
    public static final int TEXT_ROWS = 512;
    /** Redux token channels: 0..2 colour, 3 row/26, 4 col/26, 5 = 1 (flag); others 0. */
    public static final int REDUX_FLAG_CHANNEL = 5;
    /** VAE normalization, applied by the pipeline outside the graphs: z = SCALE·(raw − SHIFT). */
    public static final float SCALE = (float) ModelManifest.FLUX1.scalingFactor();
    public static final float SHIFT = (float) ModelManifest.FLUX1.shiftFactor();

    /**
     * Token ids: T5 {@code <pad>}=0, {@code </s>}=1; CLIP {@code <|startoftext|>}=0,
     * {@code <|endoftext|>}=1 (also its pad, as in the real FLUX CLIP tokenizer); both {@code <unk>}=2.
     */
    public static final int T5_PAD_ID = 0;
    public static final int T5_EOS_ID = 1;
    public static final int CLIP_BOS_ID = 0;
    public static final int CLIP_EOS_ID = 1;
    public static final int UNK_ID = 2;
    /** Id of {@code vocabulary().get(0)}; word i has id FIRST_WORD_ID + i in both tokenizers. */
    public static final int FIRST_WORD_ID = TextVocabulary.FIRST_WORD_ID;

    /** VAE encoder scale a_k = 0.55 + 0.06·k (0.55 … 1.45; distinct, never ±1). */
    public static float vaeA(int k) {
        return (float) (0.55 + 0.06 * k);
    }

    /** VAE encoder offset b_k = 0.02·(k − 7.5) (−0.15 … 0.15; never 0). */
    public static float vaeB(int k) {
        return (float) (0.02 * (k - 7.5));
    }

    /**
     * VAE encoder log-variance offset l_k = −3 + 0.1·k (−3 … −1.5): the raw posterior's
     * {@code logvar_k = u_k + l_k} (u_k the pre-affine value), so σ_k = exp(logvar_k / 2) lies in
     * [0.13, 0.78] and depends on the image.
     */
    public static float vaeLogvarOffset(int k) {
        return (float) (-3.0 + 0.1 * k);
    }

    /**
     * Entry of the T5 and CLIP embedding tables: 0 for channel &lt; 6 (never mistaken for Redux
     * colour/position/flag), else 0.01·(id+1) + 0.0001·channel (distinct, non-zero rows).
     */
    public static float textEmbedding(int tokenId, int channel) {
        return channel < 6 ? 0f : (float) (0.01 * (tokenId + 1) + 0.0001 * channel);
    }

    /** The words of both tokenizers' vocabularies, in id order from {@link #FIRST_WORD_ID}. */
    public static List<String> vocabulary() {
        return TextVocabulary.WORDS;
    }

    public static int vocabularySize() {
        return TextVocabulary.size();
    }

    private AnalyticModels() {}

    /**
     * Writes every graph + tokenizer files + manifest.json into dir (created if missing); returns
     * the manifest written.
     */
    public static ModelManifest write(Path dir, Options options) throws IOException {
        Files.createDirectories(dir);
        boolean f16 = options.precision() == Precision.FLOAT16_MIXED;
        TransformerGraphs.SlowCompute slow =
                new TransformerGraphs.SlowCompute(options.slowMatmulSize(), options.slowMatmulRepeats());
        ManifestWriter manifest = new ManifestWriter(dir, options.productionCosts());

        manifest.graph(Component.SIGLIP, ReduxGraphs.siglip(f16));
        manifest.graph(Component.REDUX, ReduxGraphs.redux(f16));
        if (options.textEncoders()) {
            manifest.graph(Component.T5, TextGraphs.t5(f16),
                    WordLevelTokenizerJson.render(WordLevelTokenizerJson.T5, TextGraphs.T5_LENGTH));
            manifest.graph(Component.CLIP, TextGraphs.clip(f16),
                    WordLevelTokenizerJson.render(WordLevelTokenizerJson.CLIP, TextGraphs.CLIP_LENGTH));
        }
        manifest.graph(Component.VAE_ENCODER, VaeGraphs.encoder(f16, options.vaeLogvar()));
        manifest.graph(Component.VAE_DECODER, VaeGraphs.decoder(f16));
        manifest.graph(Component.FILL_TRANSFORMER, TransformerGraphs.fill(f16, slow));
        if (options.devTransformer()) {
            manifest.graph(Component.DEV_TRANSFORMER, TransformerGraphs.dev(f16, slow));
        }
        return manifest.write(options.id(), description(options));
    }

    private static String description(Options o) {
        return "Analytic reference models (closed-form outputs, not FLUX weights); precision " + o.precision()
                + (o.slowMatmulSize() > 0 ? ", slow: " + o.slowMatmulRepeats() + " x " + o.slowMatmulSize()
                        + "^2 MatMul per transformer call" : "")
                + (o.productionCosts() ? String.format(Locale.ROOT, ", production costs: each component burns"
                        + " CPU in proportion to the real one, at %.2f x production time (docs/cost-model.md)",
                        CostModel.TIME_SCALE) : "");
    }
}
