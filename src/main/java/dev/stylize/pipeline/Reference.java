package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;

/**
 * A reference image for Redux. {@code weight} multiplies its tokens; {@code mask} (nullable) keeps
 * only the tokens whose 14×14 SigLIP patch touches the mask.
 */
public record Reference(RgbImage image, double weight, RgbImage mask) {
    public Reference(RgbImage image) {
        this(image, 1.0, null);
    }
}
