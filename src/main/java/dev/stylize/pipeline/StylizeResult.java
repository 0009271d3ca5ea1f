package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import java.util.Map;

/**
 * The output image at the target's original size, the seed used, and the time per stage in ms.
 * {@code imageTokens}/{@code textTokens} are the transformer's sequence lengths.
 */
public record StylizeResult(
        RgbImage image,
        long seed,
        Map<String, Long> timingsMs,
        int canvasWidth,
        int canvasHeight,
        int imageTokens,
        int textTokens) {}
