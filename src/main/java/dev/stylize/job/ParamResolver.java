package dev.stylize.job;

import static dev.stylize.job.ParamTable.GUIDANCE;
import static dev.stylize.job.ParamTable.LAYOUT;
import static dev.stylize.job.ParamTable.OUTPAINT_MARGIN;
import static dev.stylize.job.ParamTable.PASTE_BACK;
import static dev.stylize.job.ParamTable.POSTERIOR;
import static dev.stylize.job.ParamTable.PREVIEW_EVERY;
import static dev.stylize.job.ParamTable.REDUX_DOWNSAMPLE;
import static dev.stylize.job.ParamTable.REDUX_STRENGTH;
import static dev.stylize.job.ParamTable.REFERENCE_BLEND;
import static dev.stylize.job.ParamTable.STEPS;
import static dev.stylize.job.ParamTable.STRENGTH;

import java.util.List;

/**
 * Fills defaults and checks ranges, both from {@link ParamTable}, in one pass over the parameters; a value out of
 * range is PARAM_OUT_OF_RANGE with its JSON path ({@code params.steps must be in [1, 200], got 0}). Also the
 * rules that span fields: outpaint needs a margin, a whole-sequence scale needs sum_conditioning.
 */
public final class ParamResolver {
    private ParamResolver() {}

    public static ResolvedParams resolve(Mode mode, JobParams p, boolean devAvailable, long fallbackSeed) {
        Transformer t = ModeDefaults.transformer(mode, devAvailable);
        int steps = STEPS.resolve(p.steps(), mode, t);
        double guidance = GUIDANCE.resolve(p.guidance(), mode, t);
        double strength = STRENGTH.resolve(p.strength(), mode, t);
        double reduxStrength = REDUX_STRENGTH.resolve(p.reduxStrength(), mode, t);
        int downsample = REDUX_DOWNSAMPLE.resolve(p.reduxDownsample(), mode, t);
        int previewEvery = PREVIEW_EVERY.resolve(p.previewEvery(), mode, t);
        Margins margins = p.outpaint() == null ? Margins.NONE : p.outpaint();
        OUTPAINT_MARGIN.check(margins.left(), "left");
        OUTPAINT_MARGIN.check(margins.right(), "right");
        OUTPAINT_MARGIN.check(margins.top(), "top");
        OUTPAINT_MARGIN.check(margins.bottom(), "bottom");
        if (mode == Mode.OUTPAINT && margins.isEmpty()) {
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE,
                    "params.outpaint: outpaint needs at least one non-zero margin");
        }
        long seed = p.seed() == null ? fallbackSeed : p.seed();
        return new ResolvedParams(mode, t, steps, guidance, seed, strength, reduxStrength, downsample,
                REFERENCE_BLEND.resolve(p.referenceBlend(), mode, t), LAYOUT.resolve(p.layout(), mode, t),
                PASTE_BACK.resolve(p.pasteBack(), mode, t), previewEvery, margins,
                POSTERIOR.resolve(p.posterior(), mode, t));
    }

    /** Checks the reference count and each reference's weight (null = default). */
    public static void checkReferences(List<Double> weights) {
        if (weights.isEmpty()) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, "at least one reference image is required");
        }
        if (weights.size() > ParamTable.MAX_REFERENCES) {
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE,
                    "reference: at most " + ParamTable.MAX_REFERENCES + " references, got " + weights.size());
        }
        for (int i = 0; i < weights.size(); i++) {
            ParamTable.WEIGHT.check(weights.get(i), i);
        }
    }

    /**
     * Checks the per-reference whole-sequence scales (null = default): each in its table range, and any value
     * but the default only with {@link ReferenceBlend#SUM_CONDITIONING}, the one blend whose per-reference
     * sequences include the text part they scale.
     *
     * @param blend the request's blend, null = default
     */
    public static void checkEmbedsScales(List<Double> promptScales, List<Double> pooledScales, ReferenceBlend blend) {
        ReferenceBlend b = blend == null ? REFERENCE_BLEND.defaultValue().fixed() : blend;
        for (int i = 0; i < promptScales.size(); i++) {
            checkEmbedsScale(ParamTable.PROMPT_EMBEDS_SCALE, i, promptScales.get(i), b);
        }
        for (int i = 0; i < pooledScales.size(); i++) {
            checkEmbedsScale(ParamTable.POOLED_PROMPT_EMBEDS_SCALE, i, pooledScales.get(i), b);
        }
    }

    private static void checkEmbedsScale(ParamTable.Param<Double> row, int i, Double v, ReferenceBlend blend) {
        if (v == null) {
            return;
        }
        row.check(v, i);
        if (!v.equals(row.defaultValue().fixed()) && blend != ReferenceBlend.SUM_CONDITIONING) {
            String b = REFERENCE_BLEND.wire(blend);
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, row.path(i) + " " + ParamTable.Range.show(v)
                    + " needs params.referenceBlend sum_conditioning (" + b + " keeps the text part once, unscaled),"
                    + " got " + b);
        }
    }
}
