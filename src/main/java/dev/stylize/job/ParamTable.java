package dev.stylize.job;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The request's parameters, one row each: name, JSON path, JSON type, allowed range or words, default (per mode
 * where it differs) and the description the CLI's help shows. The one place these are declared: the reader
 * ({@link RequestReader}) takes enum words and 32/64-bit limits from here, {@link ParamResolver} the ranges and
 * defaults, the CLI its help ({@code cli/JobParamsHelp}), and tests hold the JSON Schema, the message contract
 * and the README against it.
 *
 * <p>A range check throws PARAM_OUT_OF_RANGE with the row's JSON path and range:
 * {@code params.steps must be in [1, 200], got 0}.
 */
public final class ParamTable {
    /** Longest denoising schedule; the progress event's {@code steps} shares it. */
    public static final int MAX_STEPS = 200;
    /** Most references one request may carry (schema {@code reference.maxItems}). */
    public static final int MAX_REFERENCES = 4;

    /** The JSON Schema type of a row's values. */
    public enum Type { INTEGER, NUMBER, BOOLEAN, WORD }

    /** Where a row's field sits in a request, which decides how its path is written. */
    public enum Scope {
        /** {@code params.<name>}. */
        PARAMS,
        /** {@code params.outpaint.<side>}, one value per side. */
        OUTPAINT_SIDE,
        /** {@code reference[<i>].<name>}, one value per reference. */
        REFERENCE,
        /** {@code output.<name>}. */
        OUTPUT
    }

    // ---- the table ----------------------------------------------------------------------------------------

    public static final Param<Integer> STEPS = new Param<>("steps", Scope.PARAMS, Type.INTEGER,
            Range.closed(1, MAX_STEPS), null, Default.fixed(28), "--steps", "Denoising steps.");
    public static final Param<Double> GUIDANCE = new Param<>("guidance", Scope.PARAMS, Type.NUMBER,
            Range.closed(0, 100), null, Default.byTransformer(Map.of(Transformer.FILL, 30.0, Transformer.DEV, 2.5)),
            "--guidance", "Distilled guidance scale (the Fill transformer is trained for 30, dev for 2.5).");
    /** The full 64-bit range: what the reader can still hold, nothing narrower. */
    public static final Param<Long> SEED = new Param<>("seed", Scope.PARAMS, Type.INTEGER,
            Range.INT64, null,
            Default.derived("derived from the job id (SHA-256), so a redelivered job repeats its image"), "--seed",
            "Noise seed.");
    /**
     * (0, 1]: any strength in it leaves at least one step, t_start = int(N - N*s) &lt; N
     * (docs/pipeline.md#img2img-start); 0 would leave none.
     */
    public static final Param<Double> STRENGTH = new Param<>("strength", Scope.PARAMS, Type.NUMBER,
            new Range(BigDecimal.ZERO, true, BigDecimal.ONE), null, Default.byMode(1.0, Map.of(Mode.RESTYLE, 0.6)),
            "--strength", "img2img strength: the share of the schedule run from the target's latent.");
    public static final Param<Double> REDUX_STRENGTH = new Param<>("reduxStrength", Scope.PARAMS, Type.NUMBER,
            Range.closed(0, 10), null, Default.fixed(1.0), "--redux-strength",
            "Multiplies every Redux token (ComfyUI style strength).");
    /** ⌊27/k⌋ must stay ≥ 1 token per side; 9 leaves a 3×3 grid (ComfyUI Redux nodes stop there too). */
    public static final Param<Integer> REDUX_DOWNSAMPLE = new Param<>("reduxDownsample", Scope.PARAMS, Type.INTEGER,
            Range.closed(1, 9), null, Default.fixed(1), "--redux-downsample",
            "Average the 27x27 Redux grid to floor(27/k)^2 tokens.");
    public static final Param<ReferenceBlend> REFERENCE_BLEND = new Param<>("referenceBlend", Scope.PARAMS, Type.WORD,
            null, ReferenceBlend.values(), Default.fixed(ReferenceBlend.CONCAT), "--reference-blend",
            "concat (ComfyUI chaining), sum (Redux tokens summed, text once) or sum_conditioning (diffusers"
            + " FluxPriorReduxPipeline: whole sequences and pooled vectors scaled per reference, then summed).");
    public static final Param<Layout> LAYOUT = new Param<>("layout", Scope.PARAMS, Type.WORD, null, Layout.values(),
            Default.fixed(Layout.HORIZONTAL), "--layout", "How composite places reference and target on its canvas.");
    public static final Param<Boolean> PASTE_BACK = new Param<>("pasteBack", Scope.PARAMS, Type.BOOLEAN, null, null,
            Default.byMode(false, Map.of(Mode.COMPOSITE, true, Mode.INPAINT, true, Mode.OUTPAINT, true)),
            "--paste-back", "Keep the original pixels outside the mask.");
    public static final Param<Integer> PREVIEW_EVERY = new Param<>("previewEvery", Scope.PARAMS, Type.INTEGER,
            Range.closed(0, MAX_STEPS), null, Default.fixed(0), "--preview-every",
            "Write a latent preview every N steps (0: none).");
    /** The VAE posterior's mean, as BFL: deterministic, and what every job used before the choice existed. */
    public static final Param<Posterior> POSTERIOR = new Param<>("posterior", Scope.PARAMS, Type.WORD, null,
            Posterior.values(), Default.fixed(Posterior.MEAN), "--posterior",
            "VAE posterior for the masked-image and init latents: mean (as BFL) or sample (as diffusers; noise"
            + " from the seed; needs a VAE encoder with a logvar output).");
    public static final Param<Integer> OUTPAINT_MARGIN = new Param<>("outpaint", Scope.OUTPAINT_SIDE, Type.INTEGER,
            Range.closed(0, 4096), null, Default.fixed(0), "--outpaint",
            "left,right,top,bottom margins in pixels (outpaint mode needs one above 0).");
    public static final Param<Double> WEIGHT = new Param<>("weight", Scope.REFERENCE, Type.NUMBER,
            Range.closed(0, 10), null, Default.fixed(1.0), "--reference-weight", "Multiplies the reference's Redux tokens.");
    /** Diffusers' {@code prompt_embeds_scale}; only {@link ReferenceBlend#SUM_CONDITIONING} has a sequence per reference. */
    public static final Param<Double> PROMPT_EMBEDS_SCALE = new Param<>("promptEmbedsScale", Scope.REFERENCE,
            Type.NUMBER, Range.closed(0, 10), null, Default.fixed(1.0), "--reference-prompt-embeds-scale",
            "Multiplies the reference's whole [T5 | Redux] sequence before the sum; needs referenceBlend"
            + " sum_conditioning (diffusers prompt_embeds_scale).");
    public static final Param<Double> POOLED_PROMPT_EMBEDS_SCALE = new Param<>("pooledPromptEmbedsScale",
            Scope.REFERENCE, Type.NUMBER, Range.closed(0, 10), null, Default.fixed(1.0),
            "--reference-pooled-prompt-embeds-scale", "Multiplies the reference's copy of the pooled CLIP vector"
            + " before the sum; needs referenceBlend sum_conditioning (diffusers pooled_prompt_embeds_scale).");
    public static final Param<OutputFormat> OUTPUT_FORMAT = new Param<>("format", Scope.OUTPUT, Type.WORD, null,
            OutputFormat.values(), Default.fixed(OutputFormat.PNG), null, "Image format of the outputs.");

    /** Every row, in the order a request's fields are read and checked. */
    public static final List<Param<?>> ALL = List.of(STEPS, GUIDANCE, SEED, STRENGTH, REDUX_STRENGTH, REDUX_DOWNSAMPLE,
            REFERENCE_BLEND, LAYOUT, PASTE_BACK, PREVIEW_EVERY, POSTERIOR, OUTPAINT_MARGIN, WEIGHT,
            PROMPT_EMBEDS_SCALE, POOLED_PROMPT_EMBEDS_SCALE, OUTPUT_FORMAT);

    private ParamTable() {}

    // ---- rows ---------------------------------------------------------------------------------------------

    /**
     * One parameter.
     *
     * @param <T> the Java type of its values
     */
    public static final class Param<T> {
        private final String name;
        private final Scope scope;
        private final Type type;
        private final Range range;
        private final List<T> words;
        private final Default<T> dflt;
        private final String cliOption;
        private final String description;

        private Param(String name, Scope scope, Type type, Range range, T[] words, Default<T> dflt, String cliOption,
                String description) {
            this.name = name;
            this.scope = scope;
            this.type = type;
            this.range = range;
            this.words = words == null ? List.of() : List.of(words);
            this.dflt = dflt;
            this.cliOption = cliOption;
            this.description = description;
        }

        /** The field's name in its JSON object ("steps", "weight"; "outpaint" for the margins' object). */
        public String name() {
            return name;
        }

        public Scope scope() {
            return scope;
        }

        public Type type() {
            return type;
        }

        /** Null for words and booleans. */
        public Range range() {
            return range;
        }

        /** The allowed enum constants of a WORD row, in wire order; empty for the others. */
        public List<T> words() {
            return words;
        }

        public Default<T> defaultValue() {
            return dflt;
        }

        /** The CLI option of {@code run} and {@code submit} that sets it; null where they have none. */
        public String cliOption() {
            return cliOption;
        }

        public String description() {
            return description;
        }

        /**
         * The JSON path of one value: {@code params.steps}, {@code params.outpaint.left} (index = side; none:
         * the margins' object),
         * {@code reference[2].weight} (index = reference number), {@code output.format}.
         */
        public String path(Object index) {
            return switch (scope) {
                case PARAMS -> "params." + name;
                case OUTPAINT_SIDE -> "params." + name + (index == null ? "" : "." + index);
                case REFERENCE -> "reference[" + index + "]." + name;
                case OUTPUT -> "output." + name;
            };
        }

        /** The path of a row with one value per request. */
        public String path() {
            return path(null);
        }

        /** The value, or this row's default for the mode and transformer when null; then checked. */
        public T resolve(T value, Mode mode, Transformer transformer) {
            T v = value == null ? dflt.of(mode, transformer) : value;
            check(v, null);
            return v;
        }

        /** PARAM_OUT_OF_RANGE when a number lies outside the range; null (absent) always passes. */
        public void check(T value, Object index) {
            if (range != null && value != null && !range.contains(((Number) value).doubleValue())) {
                throw outOfRange(path(index), Range.show(((Number) value).doubleValue()));
            }
        }

        /** The error for a value outside the range, shown as {@code literal} (as sent, for one beyond 64 bits). */
        public StylizeException outOfRange(String path, String literal) {
            return new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, path + " must be in " + range + ", got " + literal);
        }

        /** The wire word of a WORD row's value: the constant's name in lower case. */
        public String wire(T word) {
            return ((Enum<?>) word).name().toLowerCase(Locale.ROOT);
        }

        /** A WORD row's value for its exact wire word; PARAM_OUT_OF_RANGE listing the words otherwise. */
        public T word(String s, Object index) {
            for (T w : words) {
                if (wire(w).equals(s)) {
                    return w;
                }
            }
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE,
                    path(index) + " must be " + allowedWords() + ", got " + RequestReader.quote(s));
        }

        /** "concat, sum or sum_conditioning". */
        public String allowedWords() {
            List<String> w = words.stream().map(this::wire).toList();
            return w.size() == 1 ? w.get(0)
                    : String.join(", ", w.subList(0, w.size() - 1)) + " or " + w.get(w.size() - 1);
        }

        /** What the CLI help says: the description, then the allowed values and the default. */
        public String help() {
            String allowed = switch (type) {
                case WORD -> " One of " + words.stream().map(this::wire).collect(Collectors.joining(", ")) + ".";
                case BOOLEAN -> "";
                case INTEGER, NUMBER -> range.equals(Range.INT64) ? " Any 64-bit integer." : " Range " + range + ".";
            };
            return description + allowed + " Default: " + dflt.describe(this) + ".";
        }

        @Override
        public String toString() {
            return path("*");
        }
    }

    // ---- ranges -------------------------------------------------------------------------------------------

    /**
     * An interval of numbers, closed at the top; exact decimals, so the 64-bit seed bounds and the schema's
     * numbers compare without rounding.
     */
    public record Range(BigDecimal min, boolean minExclusive, BigDecimal max) {
        /** Every value a Java long holds. */
        public static final Range INT64 = closed(Long.MIN_VALUE, Long.MAX_VALUE);

        static Range closed(long min, long max) {
            return new Range(BigDecimal.valueOf(min), false, BigDecimal.valueOf(max));
        }

        /** NaN and the infinities lie outside every range. */
        public boolean contains(double v) {
            if (!Double.isFinite(v)) {
                return false;
            }
            int lo = BigDecimal.valueOf(v).compareTo(min);
            return (minExclusive ? lo > 0 : lo >= 0) && BigDecimal.valueOf(v).compareTo(max) <= 0;
        }

        /** "[1, 200]", "(0, 1]". */
        @Override
        public String toString() {
            return (minExclusive ? "(" : "[") + min.stripTrailingZeros().toPlainString() + ", "
                    + max.stripTrailingZeros().toPlainString() + "]";
        }

        /** A value as a message shows it: 28, 0.5, -1; beyond the double range as the reader shows it. */
        static String show(double v) {
            if (Double.isInfinite(v)) {
                return v < 0 ? "a number below -1.8e308" : "a number above 1.8e308";
            }
            return v == Math.rint(v) && Math.abs(v) < 1e18 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    // ---- defaults -----------------------------------------------------------------------------------------

    /** What an absent value becomes: one value, one per mode, one per transformer, or derived elsewhere. */
    public abstract static sealed class Default<T> {
        /** The default for a job of this mode run on this transformer; null for a derived one. */
        public abstract T of(Mode mode, Transformer transformer);

        /** The one value for every job, or null when it depends on the mode, transformer or request. */
        public T fixed() {
            return null;
        }

        /** For help and docs: "28", "0.6 for restyle, else 1", "30 (fill), 2.5 (dev)". */
        abstract String describe(Param<T> row);

        static <T> Default<T> fixed(T value) {
            return new Fixed<>(value);
        }

        static <T> Default<T> byMode(T otherwise, Map<Mode, T> except) {
            Map<Mode, T> all = new EnumMap<>(Mode.class);
            for (Mode m : Mode.values()) {
                all.put(m, except.getOrDefault(m, otherwise));
            }
            return new ByMode<>(all, otherwise);
        }

        static <T> Default<T> byTransformer(Map<Transformer, T> values) {
            return new ByTransformer<>(new EnumMap<>(values));
        }

        static <T> Default<T> derived(String how) {
            return new Derived<>(how);
        }

        static <T> String show(Param<T> row, T value) {
            if (value instanceof Enum<?>) {
                return row.wire(value);
            }
            return value instanceof Number n ? Range.show(n.doubleValue()) : String.valueOf(value);
        }

        static final class Fixed<T> extends Default<T> {
            private final T value;

            Fixed(T value) {
                this.value = value;
            }

            @Override
            public T of(Mode mode, Transformer transformer) {
                return value;
            }

            @Override
            public T fixed() {
                return value;
            }

            @Override
            String describe(Param<T> row) {
                return show(row, value);
            }
        }

        static final class ByMode<T> extends Default<T> {
            private final Map<Mode, T> values;
            private final T otherwise;

            ByMode(Map<Mode, T> values, T otherwise) {
                this.values = values;
                this.otherwise = otherwise;
            }

            @Override
            public T of(Mode mode, Transformer transformer) {
                return values.get(mode);
            }

            @Override
            String describe(Param<T> row) {
                Map<T, List<String>> modesOf = new LinkedHashMap<>();
                values.forEach((m, v) -> {
                    if (!v.equals(otherwise)) {
                        modesOf.computeIfAbsent(v, k -> new ArrayList<>()).add(m.wireName());
                    }
                });
                List<String> parts = new ArrayList<>();
                modesOf.forEach((v, modes) -> parts.add(show(row, v) + " for " + String.join(", ", modes)));
                return String.join("; ", parts) + ", else " + show(row, otherwise);
            }
        }

        static final class ByTransformer<T> extends Default<T> {
            private final Map<Transformer, T> values;

            ByTransformer(Map<Transformer, T> values) {
                this.values = values;
            }

            @Override
            public T of(Mode mode, Transformer transformer) {
                return values.get(transformer);
            }

            @Override
            String describe(Param<T> row) {
                return values.entrySet().stream()
                        .map(e -> show(row, e.getValue()) + " (" + e.getKey().name().toLowerCase(Locale.ROOT) + ")")
                        .collect(Collectors.joining(", "));
            }
        }

        static final class Derived<T> extends Default<T> {
            private final String how;

            Derived(String how) {
                this.how = how;
            }

            @Override
            public T of(Mode mode, Transformer transformer) {
                return null;
            }

            @Override
            String describe(Param<T> row) {
                return how;
            }
        }
    }

    /** The rows the CLI has an option for, by option name. */
    public static Map<String, Param<?>> byCliOption() {
        return ALL.stream().filter(p -> p.cliOption() != null)
                .collect(Collectors.toMap(Param::cliOption, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }
}
