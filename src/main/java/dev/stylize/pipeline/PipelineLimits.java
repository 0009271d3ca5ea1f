package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.Layout;
import dev.stylize.job.Margins;
import dev.stylize.job.Mode;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.CanvasPlan.Extent;
import dev.stylize.runtime.TokenRange;
import java.util.Locale;

/**
 * Size limits. {@code maxInputPixels} bounds every image a job holds at full resolution: each input
 * (checked from its header before decoding: decompression bombs), and what the job builds from them,
 * checked by {@link #checkSizes} from the input sizes before anything is decoded: the outpaint output
 * (target + margins; an output larger than any allowed input makes no sense) and the composite's
 * reference scaled to the target's side. {@code maxCanvasPixels} is the budget the canvas is fitted under;
 * {@code canvasSizes}, when not empty, the only sizes a canvas may have (each within the budget).
 */
public record PipelineLimits(long maxInputPixels, long maxCanvasPixels, CanvasSizes canvasSizes) {
    /** 36 MP input (6000×6000); a 2048×1024 composite canvas; canvases follow the input. */
    public static final PipelineLimits DEFAULT = new PipelineLimits(36_000_000L, 2048L * 1024L);

    public PipelineLimits {
        canvasSizes = canvasSizes == null ? CanvasSizes.NONE : canvasSizes;
        for (CanvasSizes.Size s : canvasSizes.sizes()) {
            if (s.pixels() > maxCanvasPixels) {
                throw new IllegalArgumentException("canvas sizes: " + s + " is " + s.pixels()
                        + " pixels, more than the canvas budget (max canvas pixels) of " + maxCanvasPixels);
            }
        }
    }

    /** Canvases follow the input. */
    public PipelineLimits(long maxInputPixels, long maxCanvasPixels) {
        this(maxInputPixels, maxCanvasPixels, CanvasSizes.NONE);
    }

    public PipelineLimits withCanvasSizes(CanvasSizes sizes) {
        return new PipelineLimits(maxInputPixels, maxCanvasPixels, sizes);
    }

    /**
     * The transformer's image-token counts over every canvas these limits allow: the canvas sizes' (the
     * first one's to tune for), else from one 16×16 tile up to the budget, tuned for the budget (a full
     * 2048×1024 composite at the defaults).
     */
    public TokenRange imageTokens() {
        if (canvasSizes.isEmpty()) {
            int max = (int) Math.max(1, maxCanvasPixels / ((long) CanvasPlan.MULTIPLE * CanvasPlan.MULTIPLE));
            return new TokenRange(1, max, max);
        }
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (CanvasSizes.Size s : canvasSizes.sizes()) {
            min = Math.min(min, s.tokens());
            max = Math.max(max, s.tokens());
        }
        return new TokenRange(min, canvasSizes.sizes().get(0).tokens(), max);
    }

    /** Only what one image array can hold: for callers that checked nothing before. */
    static PipelineLimits arraysOnly(long maxCanvasPixels) {
        return new PipelineLimits(RgbImage.MAX_PIXELS, maxCanvasPixels);
    }

    /** The largest image a job may hold: {@code maxInputPixels}, and never more than one array holds. */
    public long maxImagePixels() {
        return Math.min(maxInputPixels, RgbImage.MAX_PIXELS);
    }

    /**
     * Refuses a job whose built images would exceed {@link #maxImagePixels()}, from the sizes of its inputs
     * alone (each input is assumed within the limit already).
     *
     * @param reference the first reference's size (on the canvas in composite and variation)
     * @param target    the target's size; null for variation
     * @throws StylizeException PARAM_OUT_OF_RANGE naming {@code params.outpaint} when the margins make the
     *         outpaint output too large; IMAGE_TOO_LARGE naming {@code reference[0]} when the composite
     *         would scale it past the limit
     */
    public void checkSizes(Mode mode, Layout layout, Margins margins, Extent reference, Extent target) {
        long max = maxImagePixels();
        if (mode == Mode.OUTPAINT) {
            Extent out = CanvasPlan.outpaintOutput((int) target.width(), (int) target.height(), margins);
            if (out.pixels() > max) {
                throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, "params.outpaint: margins left "
                        + margins.left() + ", right " + margins.right() + ", top " + margins.top() + ", bottom "
                        + margins.bottom() + " around the " + target + " target make a " + out + " output = "
                        + out.pixels() + " pixels, more than the " + max
                        + " allowed (the output is held to the input pixel limit)");
            }
        } else if (mode == Mode.COMPOSITE) {
            Extent scaled = CanvasPlan.compositeReference((int) reference.width(), (int) reference.height(),
                    (int) target.width(), (int) target.height(), layout);
            if (scaled.pixels() > max) {
                boolean horizontal = layout == Layout.HORIZONTAL;
                throw new StylizeException(ErrorCode.IMAGE_TOO_LARGE, "reference[0] is " + reference
                        + ": scaled to the target's " + (horizontal ? "height (" + target.height() : "width ("
                        + target.width()) + " px) for the " + layout.name().toLowerCase(Locale.ROOT)
                        + " composite canvas it would be " + scaled + " = " + scaled.pixels()
                        + " pixels, more than the " + max + " allowed (the input pixel limit); use a reference"
                        + " whose aspect ratio is closer to the target's");
            }
        }
    }
}
