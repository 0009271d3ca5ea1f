package dev.stylize.imaging;

import java.util.Objects;

/**
 * A reference image and its mask squashed to {@code side × side} exactly as SigLIP's preprocessing squashes
 * them ({@code dev.stylize.pipeline.SiglipPreprocess}): the image's RGB with BICUBIC; the mask as its 0/255
 * plane ({@link MaskReader}) with BILINEAR, binarized at 128. A reference that only SigLIP sees can be
 * replaced by these right after decoding: the preprocessing then finds {@code side × side} inputs and uses them
 * as they are, so the Redux tokens do not change, and the full-size pixels are freed at once.
 */
public final class SquareThumbnail {
    private SquareThumbnail() {
    }

    /** The image's RGB at {@code side × side} (BICUBIC); alpha is dropped (SigLIP reads RGB). */
    public static RgbImage image(RgbImage image, int side) {
        Objects.requireNonNull(image, "image");
        RgbImage rgb = image.withoutAlpha();
        return (image.width() == side && image.height() == side) ? rgb
                : Resampler.resize(rgb, side, side, Resampler.Filter.BICUBIC);
    }

    /**
     * The mask at {@code side × side} (BILINEAR on its 0/255 plane, then ≥ 128), as an opaque grey image of 0
     * and 255, which {@link MaskReader} reads back as the same binary mask.
     */
    public static RgbImage mask(RgbImage mask, int side) {
        Objects.requireNonNull(mask, "mask");
        PixelRows plane = MaskReader.rows(mask);
        byte[] squashed = (mask.width() == side && mask.height() == side) ? plane.toBytes()
                : Resampler.resize(plane, side, side, Resampler.Filter.BILINEAR);
        byte[] rgb = new byte[squashed.length * 3];
        for (int i = 0; i < squashed.length; i++) {
            byte v = (byte) ((squashed[i] & 0xFF) >= MaskReader.THRESHOLD ? 255 : 0);
            rgb[3 * i] = v;
            rgb[3 * i + 1] = v;
            rgb[3 * i + 2] = v;
        }
        return RgbImage.of(side, side, rgb);
    }
}
