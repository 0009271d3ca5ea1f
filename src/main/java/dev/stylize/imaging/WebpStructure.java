package dev.stylize.imaging;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;

/**
 * Walks the RIFF container of a WebP file: the RIFF size must be present in full and every chunk (with its
 * padding byte) must fit in it. The WebP reader returns a partly decoded image for some cut files, so this
 * check runs before it.
 */
final class WebpStructure {
    private static final int HEADER = 12; // "RIFF", size, "WEBP"

    private WebpStructure() {
    }

    /**
     * @return the container's length: bytes after it are not the image's, and a reader given them reads
     *         a damaged bitstream on into them (slowly: seconds per byte at large declared sizes)
     * @throws StylizeException INVALID_IMAGE when the container is truncated or inconsistent
     */
    static int check(byte[] data) {
        long riffSize = readLittleInt(data, 4) & 0xFFFFFFFFL;
        long end = 8 + riffSize;
        if (end > data.length) {
            throw invalid("it is truncated (" + data.length + " bytes of the " + end + " its header declares)");
        }
        if (riffSize < 4 + 8) {
            throw invalid("it has no chunks");
        }
        long pos = HEADER;
        while (pos < end) {
            if (end - pos < 8) {
                throw invalid("a chunk header at byte " + pos + " is cut");
            }
            long size = readLittleInt(data, (int) pos + 4) & 0xFFFFFFFFL;
            long next = pos + 8 + size + (size & 1);
            if (next > end) {
                throw invalid("it is truncated (a chunk at byte " + pos + " declares " + size + " bytes)");
            }
            pos = next;
        }
        return (int) end;
    }

    private static int readLittleInt(byte[] d, int p) {
        return (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8 | (d[p + 2] & 0xFF) << 16 | (d[p + 3] & 0xFF) << 24;
    }

    private static StylizeException invalid(String why) {
        return new StylizeException(ErrorCode.INVALID_IMAGE, "the WebP image is damaged: " + why);
    }
}
