package dev.stylize.job;

/**
 * Parameters as a user gives them; null means "the default" ({@link ParamTable}). {@link ParamResolver} turns
 * them into {@link ResolvedParams}.
 */
public record JobParams(
        Integer steps,
        Double guidance,
        Long seed,
        Double strength,
        Double reduxStrength,
        Integer reduxDownsample,
        ReferenceBlend referenceBlend,
        Layout layout,
        Boolean pasteBack,
        Integer previewEvery,
        Margins outpaint,
        Posterior posterior) {

    /** Without {@code posterior} (its default, {@link ParamTable#POSTERIOR}). */
    public JobParams(Integer steps, Double guidance, Long seed, Double strength, Double reduxStrength,
            Integer reduxDownsample, ReferenceBlend referenceBlend, Layout layout, Boolean pasteBack,
            Integer previewEvery, Margins outpaint) {
        this(steps, guidance, seed, strength, reduxStrength, reduxDownsample, referenceBlend, layout, pasteBack,
                previewEvery, outpaint, null);
    }

    public static JobParams defaults() {
        return new JobParams(null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
