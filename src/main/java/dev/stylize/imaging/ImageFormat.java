package dev.stylize.imaging;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;

import java.util.Locale;
import java.util.Optional;

/** The image formats the worker knows, recognised by their leading bytes (never by a file name). */
public enum ImageFormat {
    PNG("png", "image/png"),
    JPEG("jpeg", "image/jpeg"),
    BMP("bmp", "image/bmp"),
    GIF("gif", "image/gif"),
    WEBP("webp", "image/webp");

    private final String formatName;
    private final String contentType;

    ImageFormat(String formatName, String contentType) {
        this.formatName = formatName;
        this.contentType = contentType;
    }

    /** The ImageIO format name, also the name used in requests ("png", "jpeg", …). */
    public String formatName() {
        return formatName;
    }

    /** The MIME type. */
    public String contentType() {
        return contentType;
    }

    /** The format whose signature starts {@code data}, if any. */
    public static Optional<ImageFormat> detect(byte[] data) {
        if (startsWith(data, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(data, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(data, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(data, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return Optional.of(GIF);
        }
        if (startsWith(data, 0, 'B', 'M') && data.length >= 26) {
            return Optional.of(BMP);
        }
        if (startsWith(data, 0, 'R', 'I', 'F', 'F') && startsWith(data, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    /**
     * The format named {@code name} (case-insensitive; "jpg" is accepted for JPEG).
     *
     * @throws StylizeException UNSUPPORTED_FORMAT for any other name
     */
    public static ImageFormat byName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("jpg")) {
            return JPEG;
        }
        for (ImageFormat f : values()) {
            if (f.formatName.equals(n)) {
                return f;
            }
        }
        throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT, "unknown image format \"" + name
                + "\" (known: png, jpeg, bmp, gif, webp)");
    }

    private static boolean startsWith(byte[] data, int offset, int... signature) {
        if (data.length < offset + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((data[offset + i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    /** First bytes of {@code data} as printable text for error messages. */
    static String describeStart(byte[] data) {
        int n = Math.min(8, data.length);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format(Locale.ROOT, "%02x", data[i] & 0xFF));
        }
        return n == 0 ? "(empty)" : sb.toString();
    }
}
