package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ModeDefaults;

/**
 * A reference image for Redux. {@code weight} multiplies its tokens; {@code mask} (nullable) keeps
 * only the tokens whose 14×14 SigLIP patch touches the mask.
 *
 * @param identity where the image came from, unchanged while its content is (an object's bucket, key and
 *                 ETag): the key of its Redux tokens in the {@link EncoderCache}; null = not cached
 * @param tokens   its Redux tokens, already taken from the cache (then {@code image} is null: it was not
 *                 even fetched); null = compute them from {@code image}
 * @param promptEmbedsScale       a_i: multiplies this reference's whole [T5 | Redux] sequence under
 *                                {@code referenceBlend sum_conditioning} (diffusers {@code prompt_embeds_scale})
 * @param pooledPromptEmbedsScale b_i: multiplies its copy of the pooled CLIP vector there (diffusers
 *                                {@code pooled_prompt_embeds_scale})
 */
public record Reference(RgbImage image, double weight, RgbImage mask, String identity, float[] tokens,
        double promptEmbedsScale, double pooledPromptEmbedsScale) {
    public Reference {
        if (image == null && tokens == null) {
            throw new IllegalArgumentException("a reference needs its image or its cached tokens");
        }
    }

    public Reference(RgbImage image) {
        this(image, 1.0, null);
    }

    public Reference(RgbImage image, double weight, RgbImage mask) {
        this(image, weight, mask, null, null);
    }

    /** With the default whole-sequence scales. */
    public Reference(RgbImage image, double weight, RgbImage mask, String identity, float[] tokens) {
        this(image, weight, mask, identity, tokens, ModeDefaults.PROMPT_EMBEDS_SCALE,
                ModeDefaults.POOLED_PROMPT_EMBEDS_SCALE);
    }

    public Reference withEmbedsScales(double prompt, double pooled) {
        return new Reference(image, weight, mask, identity, tokens, prompt, pooled);
    }
}
