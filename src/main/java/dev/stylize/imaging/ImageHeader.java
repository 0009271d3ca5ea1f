package dev.stylize.imaging;

/**
 * What an encoded image says about itself before any pixel is decoded: its format and size. Size budgets
 * are checked on these, so a request that would not fit is refused before anything large is allocated.
 *
 * @param format the format recognised from the leading bytes
 * @param width  pixels per row, at least 1
 * @param height rows, at least 1
 */
public record ImageHeader(ImageFormat format, int width, int height) {
    public ImageHeader {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    /** {@code WIDTHxHEIGHT}, as error messages show sizes. */
    public String size() {
        return width + "x" + height;
    }
}
