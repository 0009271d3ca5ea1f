package dev.stylize.job;

import java.util.Locale;

/**
 * How several references condition the transformer (docs/pipeline.md#redux-strength-controls). With T the T5 sequence, p the pooled CLIP
 * vector, s the Redux strength and R_i reference i's Redux tokens after down-sampling, mask and weight w_i:
 *
 * <ul>
 *   <li>{@link #CONCAT}: {@code [T | s·R_1 | … | s·R_n]}, pooled p — ComfyUI's chained {@code StyleModelApply}
 *       nodes.</li>
 *   <li>{@link #SUM}: {@code [T | s·Σ_i R_i]}, pooled p — the Redux tokens alone are summed; T and p are kept
 *       once, unscaled. This equals diffusers' {@code FluxPriorReduxPipeline} only without a text encoder (T, p
 *       zeros) and with w_i in the role of {@code prompt_embeds_scale[i]}.</li>
 *   <li>{@link #SUM_CONDITIONING}: {@code Σ_i a_i·[T | s·R_i]}, pooled {@code Σ_i b_i·p}, with a_i, b_i the
 *       reference's {@code promptEmbedsScale} and {@code pooledPromptEmbedsScale} — diffusers'
 *       {@code FluxPriorReduxPipeline} with {@code prompt_embeds_scale = [a_i]} and
 *       {@code pooled_prompt_embeds_scale = [b_i]} (exactly, with s = w_i = 1): every reference carries its own
 *       scaled copy of the text part, so with n references and a text encoder T counts Σ a_i times.</li>
 * </ul>
 */
public enum ReferenceBlend {
    CONCAT,
    SUM,
    SUM_CONDITIONING;

    public static ReferenceBlend parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE,
                    "referenceBlend must be concat, sum or sum_conditioning, got '" + s + "'");
        }
    }
}
