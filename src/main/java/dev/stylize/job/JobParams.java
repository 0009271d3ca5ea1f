package dev.stylize.job;

/**
 * Parameters as a user gives them; null means "the mode's default". {@link ParamResolver} turns
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
        Margins outpaint) {

    public static JobParams defaults() {
        return new JobParams(null, null, null, null, null, null, null, null, null, null, null);
    }
}
