package dev.stylize.job;

/** Outpaint margins in pixels of the target image. */
public record Margins(int left, int right, int top, int bottom) {
    public static final Margins NONE = new Margins(0, 0, 0, 0);

    public boolean isEmpty() {
        return left == 0 && right == 0 && top == 0 && bottom == 0;
    }
}
