package dev.stylize.pipeline;

import dev.stylize.imaging.Canvas;
import dev.stylize.imaging.MaskReader;
import dev.stylize.imaging.Resampler;
import dev.stylize.imaging.RgbImage;
import dev.stylize.imaging.SizePlan;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.Layout;
import dev.stylize.job.Margins;
import dev.stylize.job.Mode;
import dev.stylize.job.StylizeException;
import dev.stylize.job.Transformer;
import java.util.Arrays;

/**
 * CanvasPlan as it was before the size budgets (commit 2d28514), kept verbatim as an oracle: it builds every
 * intermediate at full size (the padded image and its float masks, A scaled to B's side, the joined canvas and
 * its float mask). {@link CanvasPlanEquivalenceTest} checks that the current plan gives the same bytes.
 */
record LegacyCanvasPlan(
        RgbImage canvas,
        float[] mask,
        int regionX,
        int regionY,
        int regionWidth,
        int regionHeight,
        int outputWidth,
        int outputHeight,
        RgbImage keepImage,
        float[] keepMask,
        boolean initFromCanvas) {

    static final int OUTPAINT_FILL = CanvasPlan.OUTPAINT_FILL;
    static final int MULTIPLE = CanvasPlan.MULTIPLE;

    static LegacyCanvasPlan of(Mode mode, Transformer transformer, RgbImage reference, RgbImage target,
            RgbImage userMask, Layout layout, Margins margins, long maxCanvasPixels) {
        return switch (mode) {
            case COMPOSITE -> composite(reference, target, userMask, layout, maxCanvasPixels);
            case INPAINT -> {
                if (userMask == null) {
                    throw new StylizeException(ErrorCode.EMPTY_MASK, "inpaint needs a mask");
                }
                float[] m = targetMask(target, userMask, false);
                yield whole(target, m, false, maxCanvasPixels);
            }
            case OUTPAINT -> {
                RgbImage padded = Canvas.pad(target, margins.left(), margins.right(), margins.top(),
                        margins.bottom(), OUTPAINT_FILL);
                float[] m = new float[padded.width() * padded.height()];
                Arrays.fill(m, 1f);
                float[] inner = Canvas.rectMask(padded.width(), padded.height(), margins.left(), margins.top(),
                        target.width(), target.height());
                for (int i = 0; i < m.length; i++) {
                    m[i] -= inner[i];
                }
                yield whole(padded, m, false, maxCanvasPixels);
            }
            case RESTYLE -> whole(target, transformer == Transformer.FILL ? full(target) : null, true, maxCanvasPixels);
            case VARIATION -> whole(reference, transformer == Transformer.FILL ? full(reference) : null, false,
                    maxCanvasPixels);
        };
    }

    private static LegacyCanvasPlan composite(RgbImage a, RgbImage b, RgbImage userMask, Layout layout, long budget) {
        boolean horizontal = layout == Layout.HORIZONTAL;
        // A takes B's height (horizontal) or width (vertical), keeping its aspect ratio.
        int aw = horizontal ? Math.max(1, (int) Math.round((double) a.width() * b.height() / a.height())) : b.width();
        int ah = horizontal ? b.height() : Math.max(1, (int) Math.round((double) a.height() * b.width() / a.width()));
        RgbImage a2 = (aw == a.width() && ah == a.height()) ? a : Resampler.resize(a, aw, ah, Resampler.Filter.LANCZOS);
        RgbImage joined = Canvas.sideBySide(a2, b, horizontal);
        float[] bMask = targetMask(b, userMask, true);
        float[] mask = new float[joined.width() * joined.height()];
        int ox = horizontal ? aw : 0;
        int oy = horizontal ? 0 : ah;
        for (int y = 0; y < b.height(); y++) {
            System.arraycopy(bMask, y * b.width(), mask, (y + oy) * joined.width() + ox, b.width());
        }
        int[] fit = SizePlan.fit(joined.width(), joined.height(), budget, MULTIPLE);
        RgbImage canvas = resizeImage(joined, fit[0], fit[1]);
        float[] canvasMask = resizeMask(mask, joined.width(), joined.height(), fit[0], fit[1]);
        int rx = (int) Math.round((double) ox * fit[0] / joined.width());
        int ry = (int) Math.round((double) oy * fit[1] / joined.height());
        return new LegacyCanvasPlan(canvas, canvasMask, rx, ry, fit[0] - rx, fit[1] - ry, b.width(), b.height(), b, bMask,
                false);
    }

    private static LegacyCanvasPlan whole(RgbImage image, float[] mask, boolean init, long budget) {
        int[] fit = SizePlan.fit(image.width(), image.height(), budget, MULTIPLE);
        RgbImage canvas = resizeImage(image, fit[0], fit[1]);
        float[] canvasMask = mask == null ? null : resizeMask(mask, image.width(), image.height(), fit[0], fit[1]);
        return new LegacyCanvasPlan(canvas, canvasMask, 0, 0, fit[0], fit[1], image.width(), image.height(), image, mask,
                init);
    }

    /** B's mask: the user's (same size as B, not empty) or, when {@code fullIfAbsent}, all of B. */
    private static float[] targetMask(RgbImage target, RgbImage userMask, boolean fullIfAbsent) {
        if (userMask == null) {
            return fullIfAbsent ? full(target) : null;
        }
        if (userMask.width() != target.width() || userMask.height() != target.height()) {
            throw new StylizeException(ErrorCode.MASK_SIZE_MISMATCH, "mask is " + userMask.width() + "x"
                    + userMask.height() + " but the target is " + target.width() + "x" + target.height());
        }
        float[] m = MaskReader.fromImage(userMask);
        if (MaskReader.isEmpty(m)) {
            throw new StylizeException(ErrorCode.EMPTY_MASK, "mask selects no pixel (white or opaque = generate)");
        }
        return m;
    }

    private static float[] full(RgbImage image) {
        float[] m = new float[image.width() * image.height()];
        Arrays.fill(m, 1f);
        return m;
    }

    private static RgbImage resizeImage(RgbImage image, int w, int h) {
        return (w == image.width() && h == image.height()) ? image : Resampler.resize(image, w, h, Resampler.Filter.LANCZOS);
    }

    /** Resizes a {0,1} mask like diffusers: as an 8-bit image with LANCZOS, then binarized at 0.5. */
    static float[] resizeMask(float[] mask, int w, int h, int nw, int nh) {
        if (w == nw && h == nh) {
            return mask;
        }
        byte[] plane = new byte[w * h];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = (byte) (mask[i] > 0.5f ? 255 : 0);
        }
        byte[] resized = Resampler.resizePlane(plane, w, h, nw, nh, Resampler.Filter.LANCZOS);
        float[] out = new float[nw * nh];
        for (int i = 0; i < out.length; i++) {
            out[i] = PixelConversion.binarizeMask(resized[i] & 0xFF);
        }
        return out;
    }

    public int width() {
        return canvas.width();
    }

    public int height() {
        return canvas.height();
    }
}
