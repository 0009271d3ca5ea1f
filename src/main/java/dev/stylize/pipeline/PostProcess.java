package dev.stylize.pipeline;

import dev.stylize.imaging.PasteBack;
import dev.stylize.imaging.Resampler;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.ModeDefaults;
import dev.stylize.job.StylizeException;

/**
 * From the decoded canvas to the image the user asked for: 8-bit conversion, crop of the output
 * region (B's part of a composite), resize to the output size, paste-back of the unmasked pixels.
 */
final class PostProcess {
    private PostProcess() {}

    /** {@code chw}: the VAE decoder's (3, height, width) image in [−1,1]. */
    static RgbImage finish(float[] chw, CanvasPlan plan, boolean pasteBack) {
        RgbImage decoded = toRgb(chw, plan.width(), plan.height());
        RgbImage region = (plan.regionWidth() == plan.width() && plan.regionHeight() == plan.height()) ? decoded
                : decoded.crop(plan.regionX(), plan.regionY(), plan.regionWidth(), plan.regionHeight());
        RgbImage out = (region.width() == plan.outputWidth() && region.height() == plan.outputHeight()) ? region
                : Resampler.resize(region, plan.outputWidth(), plan.outputHeight(), Resampler.Filter.LANCZOS);
        if (pasteBack && plan.keepMask() != null && !covers(plan.keepMask())) {
            out = PasteBack.feathered(plan.keepImage(), out, plan.keepMask(), ModeDefaults.FEATHER_PX);
        }
        return out;
    }

    private static RgbImage toRgb(float[] chw, int width, int height) {
        int n = width * height;
        if (chw.length != 3 * n) {
            throw new StylizeException(ErrorCode.INFERENCE_FAILED, "VAE decoder returned " + chw.length
                    + " values for a " + width + "x" + height + " canvas");
        }
        byte[] rgb = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            rgb[3 * i] = (byte) PixelConversion.toUint8(chw[i]);
            rgb[3 * i + 1] = (byte) PixelConversion.toUint8(chw[n + i]);
            rgb[3 * i + 2] = (byte) PixelConversion.toUint8(chw[2 * n + i]);
        }
        return new RgbImage(width, height, rgb, null);
    }

    /** True when the mask selects every pixel: paste-back would keep nothing of the original. */
    private static boolean covers(float[] mask) {
        for (float v : mask) {
            if (v < 0.5f) {
                return false;
            }
        }
        return true;
    }
}
