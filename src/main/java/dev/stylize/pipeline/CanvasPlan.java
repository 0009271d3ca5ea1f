package dev.stylize.pipeline;

import dev.stylize.imaging.Canvas;
import dev.stylize.imaging.MaskReader;
import dev.stylize.imaging.PixelRows;
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
 * Where a job's pixels go: the canvas the model sees (sides multiples of 16, under the pixel
 * budget), its binary mask (1 = generate), the region of the canvas that becomes the output, the
 * output size, and what paste-back keeps.
 *
 * <p>The sizes of everything built here follow from the input sizes alone ({@link #compositeReference},
 * {@link #outpaintOutput}), so {@link PipelineLimits#checkSizes} can refuse a job before its images are
 * decoded. The composite's two-panel canvas and its mask exist only to be resized to the canvas (shrunk to
 * the budget, or to a canvas size): they are read row by row by the resize and never built whole.
 *
 * @param canvas the fitted canvas (or the chosen canvas size)
 * @param mask canvas-size {0,1} mask; null when the transformer takes none (dev)
 * @param regionX region of the canvas cropped as output (canvas pixels)
 * @param keepImage output-size image whose pixels survive where {@code keepMask} is 0 (paste-back)
 * @param keepMask output-size {0,1} mask of the generated area
 * @param initFromCanvas img2img starts from the canvas latent (restyle)
 */
public record CanvasPlan(
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

    /** Grey under outpaint margins; the masked-image latent sees 0 there anyway (docs/pipeline.md#masked-image). */
    static final int OUTPAINT_FILL = 0x7F7F7F;
    static final int MULTIPLE = 16;

    /** A size computed before anything of that size exists (long: it may not fit an array). */
    public record Extent(long width, long height) {
        /** width·height, saturating at Long.MAX_VALUE. */
        public long pixels() {
            long high = Math.multiplyHigh(width, height);
            return high != 0 || width * height < 0 ? Long.MAX_VALUE : width * height;
        }

        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    /** True when the first reference's pixels go on the canvas; in the other modes only SigLIP sees references. */
    public static boolean usesReferencePixels(Mode mode) {
        return mode == Mode.COMPOSITE || mode == Mode.VARIATION;
    }

    /** Reference A on the composite canvas: B's height (horizontal) or width (vertical), A's aspect ratio kept. */
    public static Extent compositeReference(int aw, int ah, int bw, int bh, Layout layout) {
        return layout == Layout.HORIZONTAL
                ? new Extent(Math.max(1, Math.round((double) aw * bh / ah)), bh)
                : new Extent(bw, Math.max(1, Math.round((double) ah * bw / aw)));
    }

    /** The outpaint canvas before fitting, which is also the output: B inside its margins. */
    public static Extent outpaintOutput(int bw, int bh, Margins margins) {
        return new Extent((long) bw + margins.left() + margins.right(), (long) bh + margins.top() + margins.bottom());
    }

    /** A canvas that follows the input, fitted under {@code maxCanvasPixels}. */
    public static CanvasPlan of(Mode mode, Transformer transformer, RgbImage reference, RgbImage target,
            RgbImage userMask, Layout layout, Margins margins, long maxCanvasPixels) {
        return of(mode, transformer, reference, target, userMask, layout, margins, maxCanvasPixels, CanvasSizes.NONE);
    }

    /**
     * With canvas sizes, the canvas is resized straight to the one closest in aspect ratio to the layout
     * (one resampling; each size is within the budget, {@link PipelineLimits}); the output region, mask and
     * output size follow as without them.
     */
    public static CanvasPlan of(Mode mode, Transformer transformer, RgbImage reference, RgbImage target,
            RgbImage userMask, Layout layout, Margins margins, long maxCanvasPixels, CanvasSizes sizes) {
        Sizing sizing = new Sizing(maxCanvasPixels, sizes);
        // The caller's limits were checked before decoding (PipelineLimits.checkSizes); this catches what no
        // array could hold, for callers that did not check.
        PipelineLimits.arraysOnly(maxCanvasPixels).checkSizes(mode, layout, margins, extent(reference), extent(target));
        return switch (mode) {
            case COMPOSITE -> composite(reference, target, userMask, layout, sizing);
            case INPAINT -> {
                if (userMask == null) {
                    throw new StylizeException(ErrorCode.EMPTY_MASK, "inpaint needs a mask");
                }
                float[] m = targetMask(target, userMask, false);
                yield whole(target, m, false, sizing);
            }
            case OUTPAINT -> outpaint(target, margins, sizing);
            case RESTYLE -> whole(target, transformer == Transformer.FILL ? full(target) : null, true, sizing);
            case VARIATION -> whole(reference, transformer == Transformer.FILL ? full(reference) : null, false,
                    sizing);
        };
    }

    /** The canvas size for a layout of {@code w×h}: fitted under the budget, or the closest canvas size. */
    private record Sizing(long budget, CanvasSizes sizes) {
        int[] of(int w, int h) {
            if (sizes.isEmpty()) {
                return SizePlan.fit(w, h, budget, MULTIPLE);
            }
            CanvasSizes.Size s = sizes.closest(w, h);
            return new int[] {s.width(), s.height()};
        }
    }

    private static Extent extent(RgbImage image) {
        return image == null ? null : new Extent(image.width(), image.height());
    }

    private static CanvasPlan composite(RgbImage a, RgbImage b, RgbImage userMask, Layout layout, Sizing sizing) {
        boolean horizontal = layout == Layout.HORIZONTAL;
        Extent scaled = compositeReference(a.width(), a.height(), b.width(), b.height(), layout);
        int aw = (int) scaled.width();
        int ah = (int) scaled.height();
        float[] bMask = targetMask(b, userMask, true);
        // The canvas is RGB: A's alpha would be resized for nothing.
        RgbImage a2 = (aw == a.width() && ah == a.height()) ? a
                : Resampler.resize(a.withoutAlpha(), aw, ah, Resampler.Filter.LANCZOS);
        PixelRows joined = Canvas.sideBySide(PixelRows.of(a2), PixelRows.of(b), horizontal);
        PixelRows joinedMask = Canvas.sideBySide(PixelRows.zeros(aw, ah, 1),
                PixelRows.binaryMask(bMask, b.width(), b.height()), horizontal);
        int[] fit = sizing.of(joined.width(), joined.height());
        RgbImage canvas = RgbImage.of(fit[0], fit[1], Resampler.resize(joined, fit[0], fit[1], Resampler.Filter.LANCZOS));
        float[] canvasMask = binarize(Resampler.resize(joinedMask, fit[0], fit[1], Resampler.Filter.LANCZOS));
        // B's region: A's extent scaled along the layout axis; each axis scales on its own (a canvas size
        // may change the aspect ratio), and the mask went through the same resize.
        int ox = horizontal ? aw : 0;
        int oy = horizontal ? 0 : ah;
        int rx = (int) Math.round((double) ox * fit[0] / joined.width());
        int ry = (int) Math.round((double) oy * fit[1] / joined.height());
        return new CanvasPlan(canvas, canvasMask, rx, ry, fit[0] - rx, fit[1] - ry, b.width(), b.height(), b, bMask,
                false);
    }

    /** B padded with grey margins; the mask is 1 on the margins, 0 on B. */
    private static CanvasPlan outpaint(RgbImage target, Margins margins, Sizing sizing) {
        RgbImage padded = Canvas.pad(target, margins.left(), margins.right(), margins.top(), margins.bottom(),
                OUTPAINT_FILL);
        int w = padded.width();
        float[] m = new float[w * padded.height()];
        Arrays.fill(m, 1f);
        for (int y = 0; y < target.height(); y++) {
            int row = (margins.top() + y) * w + margins.left();
            Arrays.fill(m, row, row + target.width(), 0f);
        }
        return whole(padded, m, false, sizing);
    }

    private static CanvasPlan whole(RgbImage image, float[] mask, boolean init, Sizing sizing) {
        int[] fit = sizing.of(image.width(), image.height());
        RgbImage canvas = resizeImage(image, fit[0], fit[1]);
        float[] canvasMask = mask == null ? null : resizeMask(mask, image.width(), image.height(), fit[0], fit[1]);
        return new CanvasPlan(canvas, canvasMask, 0, 0, fit[0], fit[1], image.width(), image.height(), image, mask,
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

    /** The canvas is RGB: an alpha channel would be resized for nothing. */
    private static RgbImage resizeImage(RgbImage image, int w, int h) {
        return (w == image.width() && h == image.height()) ? image
                : Resampler.resize(image.withoutAlpha(), w, h, Resampler.Filter.LANCZOS);
    }

    /** Resizes a {0,1} mask like diffusers: as an 8-bit image with LANCZOS, then binarized at 0.5. */
    static float[] resizeMask(float[] mask, int w, int h, int nw, int nh) {
        if (w == nw && h == nh) {
            return mask;
        }
        return binarize(Resampler.resize(PixelRows.binaryMask(mask, w, h), nw, nh, Resampler.Filter.LANCZOS));
    }

    private static float[] binarize(byte[] plane) {
        float[] out = new float[plane.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = PixelConversion.binarizeMask(plane[i] & 0xFF);
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
