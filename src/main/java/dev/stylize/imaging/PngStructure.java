package dev.stylize.imaging;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;

import java.util.zip.CRC32;

/**
 * Walks the chunk list of a PNG file: every chunk must fit in the data and carry a correct CRC, and the list
 * must reach IEND. The JDK's PNG reader accepts a file cut between chunks (or with a damaged CRC) and returns
 * whatever it decoded, so this check runs before it.
 */
final class PngStructure {
    private static final int SIGNATURE_LENGTH = 8;
    private static final int IHDR = 0x49484452;
    private static final int IEND = 0x49454E44;

    private PngStructure() {
    }

    /** @throws StylizeException INVALID_IMAGE when the chunk list is truncated or damaged */
    static void check(byte[] data) {
        int pos = SIGNATURE_LENGTH;
        boolean first = true;
        CRC32 crc = new CRC32();
        while (true) {
            if (data.length - pos < 12) {
                throw invalid("it is truncated (no IEND chunk after byte " + pos + ")");
            }
            long length = readInt(data, pos) & 0xFFFFFFFFL;
            int type = readInt(data, pos + 4);
            if (length > data.length - pos - 12L) {
                throw invalid("it is truncated (chunk " + typeName(type) + " at byte " + pos + " declares "
                        + length + " bytes, " + (data.length - pos - 12) + " remain)");
            }
            if (first && type != IHDR) {
                throw invalid("its first chunk is " + typeName(type) + ", not IHDR");
            }
            int len = (int) length;
            crc.reset();
            crc.update(data, pos + 4, 4 + len);
            int stored = readInt(data, pos + 8 + len);
            if ((int) crc.getValue() != stored) {
                throw invalid("chunk " + typeName(type) + " at byte " + pos + " has a bad CRC");
            }
            if (type == IEND) {
                return;
            }
            first = false;
            pos += 12 + len;
        }
    }

    private static int readInt(byte[] d, int p) {
        return (d[p] & 0xFF) << 24 | (d[p + 1] & 0xFF) << 16 | (d[p + 2] & 0xFF) << 8 | (d[p + 3] & 0xFF);
    }

    private static String typeName(int type) {
        StringBuilder sb = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (type >>> shift) & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }

    private static StylizeException invalid(String why) {
        return new StylizeException(ErrorCode.INVALID_IMAGE, "the PNG image is damaged: " + why);
    }
}
