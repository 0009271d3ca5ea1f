package dev.stylize.job;

import java.util.Locale;

/** Composite canvas layout: [A | B] or [A over B]. */
public enum Layout {
    HORIZONTAL,
    VERTICAL;

    public static Layout parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, "layout must be horizontal or vertical, got '" + s + "'");
        }
    }
}
