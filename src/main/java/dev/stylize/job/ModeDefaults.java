package dev.stylize.job;

/**
 * Per-mode defaults: the one table of them (README "Modes" mirrors it).
 *
 * <pre>
 * mode      | transformer                          | guidance             | steps | strength | mask
 * composite | fill                                 | 30                   | 28    | 1.0      | all of B, or a user mask inside B
 * inpaint   | fill                                 | 30                   | 28    | 1.0      | required
 * outpaint  | fill                                 | 30                   | 28    | 1.0      | generated from margins
 * restyle   | dev if present, else fill + full mask | 2.5 (dev) / 30 (fill) | 28    | 0.6      | none
 * variation | dev if present, else fill + full mask | 2.5 (dev) / 30 (fill) | 28    | 1.0      | none
 * </pre>
 */
public final class ModeDefaults {
    public static final int STEPS = 28;
    public static final double FILL_GUIDANCE = 30.0;
    public static final double DEV_GUIDANCE = 2.5;
    public static final double RESTYLE_STRENGTH = 0.6;
    public static final double REDUX_STRENGTH = 1.0;
    public static final int REDUX_DOWNSAMPLE = 1;
    public static final int PREVIEW_EVERY = 0;
    public static final int FEATHER_PX = 8;
    public static final ReferenceBlend REFERENCE_BLEND = ReferenceBlend.CONCAT;
    /** Per reference, diffusers' {@code prompt_embeds_scale} and {@code pooled_prompt_embeds_scale} defaults. */
    public static final double PROMPT_EMBEDS_SCALE = 1.0;
    public static final double POOLED_PROMPT_EMBEDS_SCALE = 1.0;
    /** The VAE posterior's mean, as BFL: deterministic, and what every job used before the choice existed. */
    public static final Posterior POSTERIOR = Posterior.MEAN;

    private ModeDefaults() {}

    /** Transformer for a mode, given whether the model set has a dev transformer. */
    public static Transformer transformer(Mode mode, boolean devAvailable) {
        return switch (mode) {
            case COMPOSITE, INPAINT, OUTPAINT -> Transformer.FILL;
            case RESTYLE, VARIATION -> devAvailable ? Transformer.DEV : Transformer.FILL;
        };
    }

    public static double guidance(Transformer transformer) {
        return transformer == Transformer.DEV ? DEV_GUIDANCE : FILL_GUIDANCE;
    }

    public static double strength(Mode mode) {
        return mode == Mode.RESTYLE ? RESTYLE_STRENGTH : 1.0;
    }

    /** Paste-back of the original pixels outside the mask: on where a mask keeps part of B. */
    public static boolean pasteBack(Mode mode) {
        return mode == Mode.COMPOSITE || mode == Mode.INPAINT || mode == Mode.OUTPAINT;
    }
}
