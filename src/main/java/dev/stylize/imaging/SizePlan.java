package dev.stylize.imaging;

/**
 * Chooses the working size of an input image.
 *
 * <ol>
 *   <li>If {@code w·h > maxPixels}, both sides are scaled by the same factor {@code sqrt(maxPixels/(w·h))} and
 *       floored, so the aspect ratio is kept (to within a pixel) and the area fits. A smaller image is never
 *       scaled up.</li>
 *   <li>Each side is then floored to a multiple of {@code multiple} (the Fill pipeline needs 16, BFL's CLI 32),
 *       and is at least {@code multiple}. That minimum is the one case where a side can grow: an image side
 *       shorter than {@code multiple} becomes {@code multiple}. If the minimum pushes the area over
 *       {@code maxPixels} (a very elongated image), the other side is floored further.</li>
 * </ol>
 */
public final class SizePlan {

    private SizePlan() {
    }

    /**
     * @return {@code {width, height}}
     * @throws IllegalArgumentException for non-positive sizes or {@code maxPixels < multiple²}
     */
    public static int[] fit(int w, int h, long maxPixels, int multiple) {
        if (w < 1 || h < 1 || multiple < 1) {
            throw new IllegalArgumentException("sizes and multiple must be positive: " + w + "x" + h
                    + ", multiple " + multiple);
        }
        if (maxPixels < (long) multiple * multiple) {
            throw new IllegalArgumentException("maxPixels " + maxPixels + " is below one " + multiple + "x"
                    + multiple + " tile");
        }
        long nw = w;
        long nh = h;
        if (nw * nh > maxPixels) {
            double s = Math.sqrt((double) maxPixels / ((double) nw * nh));
            nw = Math.max(1, (long) Math.floor(w * s));
            nh = Math.max(1, (long) Math.floor(h * s));
            while (nw * nh > maxPixels) { // rounding of s; at most a step or two
                if (nw * h > nh * w) {
                    nw--;
                } else {
                    nh--;
                }
            }
        }
        nw = floorTo(nw, multiple);
        nh = floorTo(nh, multiple);
        if (nw * nh > maxPixels) {
            if (nw > nh) {
                nw = floorTo(maxPixels / nh, multiple);
            } else {
                nh = floorTo(maxPixels / nw, multiple);
            }
        }
        return new int[] {(int) nw, (int) nh};
    }

    private static long floorTo(long v, int multiple) {
        return Math.max(multiple, v - v % multiple);
    }
}
