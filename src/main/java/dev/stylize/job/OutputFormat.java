package dev.stylize.job;

import java.util.Locale;

/** Image format of a job's output, lowercase on the wire ({@code output.format}). */
public enum OutputFormat {
    PNG("image/png"),
    JPEG("image/jpeg"),
    /** Lossless WebP. */
    WEBP("image/webp");

    private final String contentType;

    OutputFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The name used on the wire and by {@code ImageEncoder}: "png", "jpeg", "webp". */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String contentType() {
        return contentType;
    }
}
