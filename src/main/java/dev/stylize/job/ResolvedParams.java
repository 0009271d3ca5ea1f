package dev.stylize.job;

/** Every parameter of a job with its concrete value, validated. */
public record ResolvedParams(
        Mode mode,
        Transformer transformer,
        int steps,
        double guidance,
        long seed,
        double strength,
        double reduxStrength,
        int reduxDownsample,
        ReferenceBlend referenceBlend,
        Layout layout,
        boolean pasteBack,
        int previewEvery,
        Margins outpaint,
        Posterior posterior) {}
