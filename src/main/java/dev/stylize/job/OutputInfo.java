package dev.stylize.job;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One uploaded output image.
 *
 * @param url         where the object can be read (a presigned or endpoint URL, or {@code s3://bucket/key})
 * @param sha256      of the uploaded bytes, 64 lowercase hex digits
 * @param contentType MIME type of the bytes ({@link OutputFormat#contentType()})
 */
public record OutputInfo(String bucket, String key, String url, int width, int height, String sha256,
        String contentType) {
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public OutputInfo {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(contentType, "contentType");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("output size must be positive, got " + width + "x" + height);
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        }
    }
}
