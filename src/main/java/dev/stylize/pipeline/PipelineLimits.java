package dev.stylize.pipeline;

/**
 * Size limits. {@code maxInputPixels} is checked from the image header before decoding
 * (decompression bombs); {@code maxCanvasPixels} is the budget the canvas is fitted under.
 */
public record PipelineLimits(long maxInputPixels, long maxCanvasPixels) {
    /** 36 MP input (6000×6000); a 2048×1024 composite canvas. */
    public static final PipelineLimits DEFAULT = new PipelineLimits(36_000_000L, 2048L * 1024L);
}
