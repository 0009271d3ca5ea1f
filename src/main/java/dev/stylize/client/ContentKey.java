package dev.stylize.client;

import dev.stylize.imaging.ImageFormat;
import dev.stylize.runtime.Sha256;
import java.util.Optional;

/**
 * The key a local input is stored under: {@code <prefix><sha256>.<ext>}. Named by content, so the same
 * file submitted twice is one object (uploaded once), and a key never points at other bytes later.
 * The extension follows the bytes' format (never the file name); "bin" when not a known image.
 */
public final class ContentKey {
    private ContentKey() {}

    public static String of(String prefix, byte[] data) {
        return normalise(prefix) + Sha256.of(data) + "." + extension(data);
    }

    static String extension(byte[] data) {
        Optional<ImageFormat> format = ImageFormat.detect(data);
        return format.map(f -> f == ImageFormat.JPEG ? "jpg" : f.formatName()).orElse("bin");
    }

    /** "" stays ""; anything else ends with exactly one '/'. */
    static String normalise(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }
}
