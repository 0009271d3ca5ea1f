package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;

/**
 * A reference image for Redux. {@code weight} multiplies its tokens; {@code mask} (nullable) keeps
 * only the tokens whose 14×14 SigLIP patch touches the mask.
 *
 * @param identity where the image came from, unchanged while its content is (an object's bucket, key and
 *                 ETag): the key of its Redux tokens in the {@link EncoderCache}; null = not cached
 * @param tokens   its Redux tokens, already taken from the cache (then {@code image} is null: it was not
 *                 even fetched); null = compute them from {@code image}
 */
public record Reference(RgbImage image, double weight, RgbImage mask, String identity, float[] tokens) {
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
}
