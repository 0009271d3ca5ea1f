package dev.stylize.job;

import java.util.Locale;

/** What a job does with its images. Defaults per mode live in {@link ModeDefaults}. */
public enum Mode {
    /** Reference A and target B side by side on one canvas, mask over B, Redux tokens from A; output = B's half. */
    COMPOSITE,
    /** img2img on B with Redux tokens from the reference. */
    RESTYLE,
    /** A new image from the reference's Redux tokens alone. */
    VARIATION,
    /** Fill a required mask inside B. */
    INPAINT,
    /** Extend B by margins; the margins are generated. */
    OUTPAINT;

    public static Mode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new StylizeException(ErrorCode.UNKNOWN_MODE,
                    "unknown mode '" + s + "' (composite, restyle, variation, inpaint, outpaint)");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean needsTarget() {
        return this != VARIATION;
    }
}
