package dev.stylize.job;

import java.util.Locale;

/** Image format of a job's output, lowercase on the wire ({@code output.format}). */
public enum OutputFormat {
    PNG("image/png", true),
    JPEG("image/jpeg", true),
    /** Part of the contract, but this build's encoder cannot write it: requests asking for it are rejected. */
    WEBP("image/webp", false);

    private final String contentType;
    private final boolean available;

    OutputFormat(String contentType, boolean available) {
        this.contentType = contentType;
        this.available = available;
    }

    /** The name used on the wire and by {@code ImageEncoder}: "png", "jpeg", "webp". */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String contentType() {
        return contentType;
    }

    /** False when this build cannot encode the format. */
    public boolean available() {
        return available;
    }
}
