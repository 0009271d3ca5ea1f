package dev.stylize.job;

/**
 * What a mode runs on, and the defaults that are not request parameters. The parameters' own defaults, per mode
 * where they differ, are rows of {@link ParamTable}.
 */
public final class ModeDefaults {
    /** Width of the blend at the mask's edge when pasting the original pixels back. */
    public static final int FEATHER_PX = 8;
    /** Per reference, diffusers' {@code prompt_embeds_scale} default; the value is {@link ParamTable}'s. */
    public static final double PROMPT_EMBEDS_SCALE = ParamTable.PROMPT_EMBEDS_SCALE.defaultValue().fixed();
    /** Per reference, diffusers' {@code pooled_prompt_embeds_scale} default; the value is {@link ParamTable}'s. */
    public static final double POOLED_PROMPT_EMBEDS_SCALE = ParamTable.POOLED_PROMPT_EMBEDS_SCALE.defaultValue().fixed();

    private ModeDefaults() {}

    /**
     * Transformer for a mode, given whether the model set has a dev transformer: Fill where a mask keeps part of
     * B; restyle and variation prefer dev and fall back to Fill with a full mask.
     */
    public static Transformer transformer(Mode mode, boolean devAvailable) {
        return switch (mode) {
            case COMPOSITE, INPAINT, OUTPAINT -> Transformer.FILL;
            case RESTYLE, VARIATION -> devAvailable ? Transformer.DEV : Transformer.FILL;
        };
    }
}
