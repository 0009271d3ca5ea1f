package dev.stylize.pipeline;

/**
 * 2×2 patch packing of latents into transformer tokens (docs/pipeline.md#latent-packing) and the
 * Fill mask packing (docs/pipeline.md#mask-packing).
 *
 * <p>A latent {@code (c, h, w)} becomes {@code (h/2·w/2, 4c)} tokens:
 * {@code tok[i·(w/2) + j, 4ch + 2dy + dx] = lat[ch, 2i + dy, 2j + dx]} — tokens row-major over the
 * 2×2 patch grid, and inside a token latent channel outer, then patch row, then patch column (BFL
 * {@code "b c (h ph) (w pw) -> b (h w) (c ph pw)"}, diffusers {@code _pack_latents}).
 */
public final class LatentPacking {
    /** Latent pixels per token side. */
    static final int PATCH = 2;
    /** Pixels per latent pixel side (VAE down-factor), used by the mask's pixel-unshuffle. */
    static final int VAE_FACTOR = 8;
    /** Values per token of a packed Fill mask: 8×8 pixels per latent pixel, 2×2 latent pixels per token. */
    static final int PACKED_MASK_CHANNELS = VAE_FACTOR * VAE_FACTOR * PATCH * PATCH;

    private LatentPacking() {}

    /**
     * Packs a latent into tokens.
     *
     * @param latent (channels, h, w)
     * @param h latent height, even
     * @param w latent width, even
     * @return new (h/2·w/2, 4·channels)
     */
    public static float[] pack(float[] latent, int channels, int h, int w) {
        float[] tokens = new float[checkLatent(latent, channels, h, w)];
        packInto(latent, channels, h, w, tokens, PATCH * PATCH * channels, 0);
        return tokens;
    }

    /**
     * Packs a latent into columns {@code [colOffset, colOffset + 4·channels)} of every row of a wider
     * token buffer, e.g. the 384-channel Fill {@code hidden_states} (x_t at 0, masked-image latent at
     * 64, mask at 128: docs/pipeline.md#fill-transformer-input). Other columns are left untouched;
     * nothing is allocated.
     *
     * @param latent (channels, h, w)
     * @param dst (h/2·w/2, rowStride) or longer
     */
    public static void packInto(float[] latent, int channels, int h, int w,
                                float[] dst, int rowStride, int colOffset) {
        checkLatent(latent, channels, h, w);
        int tokenChannels = PATCH * PATCH * channels;
        Shapes.require(colOffset >= 0 && colOffset + tokenChannels <= rowStride,
                "columns [" + colOffset + ", " + (colOffset + tokenChannels) + ") do not fit rowStride " + rowStride);
        Shapes.require(dst != null && dst.length >= (long) tokenCount(h, w) * rowStride,
                "dst must hold " + tokenCount(h, w) + " rows of " + rowStride);
        int tokenCols = w / PATCH;
        for (int i = 0; i < h / PATCH; i++) {
            for (int j = 0; j < tokenCols; j++) {
                int row = (i * tokenCols + j) * rowStride + colOffset;
                for (int c = 0; c < channels; c++) {
                    for (int dy = 0; dy < PATCH; dy++) {
                        for (int dx = 0; dx < PATCH; dx++) {
                            dst[row + (c * PATCH + dy) * PATCH + dx] =
                                    latent[(c * h + PATCH * i + dy) * w + PATCH * j + dx];
                        }
                    }
                }
            }
        }
    }

    /**
     * Exact inverse of {@link #pack}.
     *
     * @param tokens (h/2·w/2, 4·channels)
     * @return new (channels, h, w)
     */
    public static float[] unpack(float[] tokens, int channels, int h, int w) {
        Shapes.positive(channels, "channels");
        Shapes.even(h, "h");
        Shapes.even(w, "w");
        Shapes.length(tokens, (long) channels * h * w, "tokens");
        float[] latent = new float[tokens.length];
        int tokenCols = w / PATCH;
        for (int i = 0; i < h / PATCH; i++) {
            for (int j = 0; j < tokenCols; j++) {
                int row = (i * tokenCols + j) * PATCH * PATCH * channels;
                for (int c = 0; c < channels; c++) {
                    for (int dy = 0; dy < PATCH; dy++) {
                        for (int dx = 0; dx < PATCH; dx++) {
                            latent[(c * h + PATCH * i + dy) * w + PATCH * j + dx] =
                                    tokens[row + (c * PATCH + dy) * PATCH + dx];
                        }
                    }
                }
            }
        }
        return latent;
    }

    /**
     * Fill mask tokens (BFL {@code prepare_fill}, diffusers {@code prepare_mask_latents}): pixel-unshuffle
     * by 8 to 64 channels at latent resolution, then {@link #pack} to 256 channels. Closed form:
     * {@code Mtok[i·(w/2)+j, (8py+px)·4 + 2dy + dx] = mask[16i + 8dy + py, 16j + 8dx + px]}.
     *
     * @param mask (height, width) pixel mask, already binarized or soft
     * @param height multiple of 16
     * @param width multiple of 16
     * @return new (height/16·width/16, 256)
     */
    public static float[] packMask(float[] mask, int height, int width) {
        int tokenSide = VAE_FACTOR * PATCH;
        Shapes.require(height > 0 && height % tokenSide == 0, "height must be a multiple of 16, got " + height);
        Shapes.require(width > 0 && width % tokenSide == 0, "width must be a multiple of 16, got " + width);
        Shapes.length(mask, (long) height * width, "mask");
        float[] unshuffled = pixelUnshuffle(mask, height, width, VAE_FACTOR);
        return pack(unshuffled, VAE_FACTOR * VAE_FACTOR, height / VAE_FACTOR, width / VAE_FACTOR);
    }

    /**
     * Pixel-unshuffle of a one-channel image: {@code out[f·py + px, y, x] = image[f·y + py, f·x + px]}.
     *
     * @param image (height, width), both multiples of f
     * @return new (f², height/f, width/f)
     */
    static float[] pixelUnshuffle(float[] image, int height, int width, int f) {
        int h = height / f;
        int w = width / f;
        float[] out = new float[image.length];
        for (int py = 0; py < f; py++) {
            for (int px = 0; px < f; px++) {
                int channelBase = (py * f + px) * h * w;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[channelBase + y * w + x] = image[(f * y + py) * width + f * x + px];
                    }
                }
            }
        }
        return out;
    }

    /** Number of tokens of an h×w latent: (h/2)·(w/2). */
    static int tokenCount(int h, int w) {
        return (h / PATCH) * (w / PATCH);
    }

    /** Checks a (channels, h, w) latent and returns its length. */
    private static int checkLatent(float[] latent, int channels, int h, int w) {
        Shapes.positive(channels, "channels");
        Shapes.even(h, "h");
        Shapes.even(w, "w");
        Shapes.length(latent, (long) channels * h * w, "latent");
        return latent.length;
    }
}
