package dev.stylize.job;

import java.util.Locale;

/** How several references' Redux tokens combine: appended (ComfyUI chaining) or summed (diffusers). */
public enum ReferenceBlend {
    CONCAT,
    SUM;

    public static ReferenceBlend parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, "referenceBlend must be concat or sum, got '" + s + "'");
        }
    }
}
