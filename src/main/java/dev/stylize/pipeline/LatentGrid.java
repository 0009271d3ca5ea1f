package dev.stylize.pipeline;

/**
 * The VAE latent grid of a canvas, {@code (channels, h, w)} with h = H/8 and w = W/8, and the packed
 * tokens over it (docs/pipeline.md#latent-packing): one per 2×2 patch, {@code 4·channels} wide.
 */
record LatentGrid(int channels, int h, int w) {
    /** N_img, the image tokens of the packed latent. */
    int tokens() {
        return (h / 2) * (w / 2);
    }

    /** Width of a packed token: the 2×2 patch of every channel. */
    int tokenWidth() {
        return channels * 4;
    }

    /** Values of the canonical (channels, h, w) latent. */
    int values() {
        return channels * h * w;
    }
}
