package dev.stylize.job;

import java.util.List;

/** Fills defaults from {@link ModeDefaults} and rejects out-of-range values with a message naming the field. */
public final class ParamResolver {
    public static final int MAX_STEPS = 200;
    public static final double MAX_GUIDANCE = 100;
    public static final double MAX_REDUX_STRENGTH = 10;
    /** ⌊27/k⌋ must stay ≥ 1 token per side; 9 leaves a 3×3 grid (ComfyUI Redux nodes stop there too). */
    public static final int MAX_REDUX_DOWNSAMPLE = 9;
    public static final double MAX_WEIGHT = 10;
    /** Per reference {@code promptEmbedsScale} and {@code pooledPromptEmbedsScale}: [0, this]. */
    public static final double MAX_EMBEDS_SCALE = 10;
    public static final int MAX_REFERENCES = 4;
    public static final int MAX_MARGIN = 4096;

    private ParamResolver() {}

    public static ResolvedParams resolve(Mode mode, JobParams p, boolean devAvailable, long fallbackSeed) {
        Transformer transformer = ModeDefaults.transformer(mode, devAvailable);
        int steps = orDefault(p.steps(), ModeDefaults.STEPS);
        range("steps", steps, 1, MAX_STEPS);
        double guidance = orDefault(p.guidance(), ModeDefaults.guidance(transformer));
        range("guidance", guidance, 0, MAX_GUIDANCE);
        double strength = orDefault(p.strength(), ModeDefaults.strength(mode));
        // Any strength in (0, 1] leaves at least one step: t_start = int(N - N*s) < N
        // (docs/pipeline.md#img2img-start).
        if (!(strength > 0 && strength <= 1)) {
            throw out("strength must be in (0, 1], got " + strength);
        }
        double reduxStrength = orDefault(p.reduxStrength(), ModeDefaults.REDUX_STRENGTH);
        range("reduxStrength", reduxStrength, 0, MAX_REDUX_STRENGTH);
        int downsample = orDefault(p.reduxDownsample(), ModeDefaults.REDUX_DOWNSAMPLE);
        range("reduxDownsample", downsample, 1, MAX_REDUX_DOWNSAMPLE);
        int previewEvery = orDefault(p.previewEvery(), ModeDefaults.PREVIEW_EVERY);
        range("previewEvery", previewEvery, 0, MAX_STEPS);
        Margins margins = p.outpaint() == null ? Margins.NONE : p.outpaint();
        for (int m : new int[] {margins.left(), margins.right(), margins.top(), margins.bottom()}) {
            range("outpaint margin", m, 0, MAX_MARGIN);
        }
        if (mode == Mode.OUTPAINT && margins.isEmpty()) {
            throw out("outpaint needs at least one non-zero margin (params.outpaint)");
        }
        boolean pasteBack = p.pasteBack() == null ? ModeDefaults.pasteBack(mode) : p.pasteBack();
        long seed = p.seed() == null ? fallbackSeed : p.seed();
        return new ResolvedParams(mode, transformer, steps, guidance, seed, strength, reduxStrength, downsample,
                p.referenceBlend() == null ? ModeDefaults.REFERENCE_BLEND : p.referenceBlend(),
                p.layout() == null ? Layout.HORIZONTAL : p.layout(), pasteBack, previewEvery, margins,
                p.posterior() == null ? ModeDefaults.POSTERIOR : p.posterior());
    }

    /** Checks per-reference weights and the reference count. */
    public static void checkReferences(List<Double> weights) {
        if (weights.isEmpty()) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, "at least one reference image is required");
        }
        if (weights.size() > MAX_REFERENCES) {
            throw out("at most " + MAX_REFERENCES + " references, got " + weights.size());
        }
        for (int i = 0; i < weights.size(); i++) {
            range("reference[" + i + "].weight", weights.get(i), 0, MAX_WEIGHT);
        }
    }

    /**
     * Checks the per-reference whole-sequence scales (null = default): each in [0, MAX_EMBEDS_SCALE], and
     * any value but the default only with {@link ReferenceBlend#SUM_CONDITIONING}, the one blend whose
     * per-reference sequences include the text part they scale.
     *
     * @param blend the request's blend, null = default
     */
    public static void checkEmbedsScales(List<Double> promptScales, List<Double> pooledScales, ReferenceBlend blend) {
        ReferenceBlend b = blend == null ? ModeDefaults.REFERENCE_BLEND : blend;
        for (int i = 0; i < promptScales.size(); i++) {
            checkEmbedsScale("reference[" + i + "].promptEmbedsScale", promptScales.get(i),
                    ModeDefaults.PROMPT_EMBEDS_SCALE, b);
        }
        for (int i = 0; i < pooledScales.size(); i++) {
            checkEmbedsScale("reference[" + i + "].pooledPromptEmbedsScale", pooledScales.get(i),
                    ModeDefaults.POOLED_PROMPT_EMBEDS_SCALE, b);
        }
    }

    private static void checkEmbedsScale(String name, Double v, double dflt, ReferenceBlend blend) {
        if (v == null) {
            return;
        }
        range(name, v, 0, MAX_EMBEDS_SCALE);
        if (v != dflt && blend != ReferenceBlend.SUM_CONDITIONING) {
            throw out(name + " " + fmt(v) + " needs params.referenceBlend sum_conditioning (" + wire(blend)
                    + " keeps the text part once, unscaled), got " + wire(blend));
        }
    }

    private static String wire(ReferenceBlend b) {
        return b.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static <T> T orDefault(T v, T d) {
        return v == null ? d : v;
    }

    private static void range(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw out(name + " must be in [" + fmt(lo) + ", " + fmt(hi) + "], got " + fmt(v));
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static StylizeException out(String msg) {
        return new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, msg);
    }
}
