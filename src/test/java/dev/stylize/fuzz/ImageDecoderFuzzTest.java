package dev.stylize.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stylize.imaging.ImageDecoder;
import dev.stylize.imaging.MaskReader;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Fuzzes the image decoding path of every input object: {@link ImageDecoder#decode} then, as masks are read,
 * {@link MaskReader#fromImage}. Invariants: an image of at most {@link #MAX_PIXELS} pixels whose buffers match
 * its size, or a {@link StylizeException} with one of the decoder's three codes; never another exception.
 * Allocation stays bounded: the fuzzing run (.ci/run) gives the JVM a small heap, so an input that makes the
 * decoder allocate far beyond what {@link #MAX_PIXELS} allows ends as an OutOfMemoryError finding.
 *
 * <p>Random mutations of a PNG almost always break a chunk CRC, which the decoder checks first; so each PNG
 * input is also decoded with its CRCs recomputed, which lets mutations reach the JDK's PNG reader.
 */
class ImageDecoderFuzzTest {
    static final long MAX_PIXELS = 4_000_000;
    private static final Set<ErrorCode> DECODER_CODES =
            EnumSet.of(ErrorCode.UNSUPPORTED_FORMAT, ErrorCode.INVALID_IMAGE, ErrorCode.IMAGE_TOO_LARGE);

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] data) {
        check(data);
        byte[] fixed = withPngCrcsFixed(data);
        if (fixed != null) {
            check(fixed);
        }
    }

    private static void check(byte[] data) {
        RgbImage image;
        try {
            image = ImageDecoder.decode(data, MAX_PIXELS);
        } catch (StylizeException e) {
            if (!DECODER_CODES.contains(e.code())) {
                throw new AssertionError("unexpected code " + e.code(), e);
            }
            return;
        }
        long pixels = (long) image.width() * image.height();
        if (image.width() < 1 || image.height() < 1 || pixels > MAX_PIXELS) {
            throw new AssertionError("decoded " + image.width() + "x" + image.height() + " over the limit");
        }
        if (image.rgb().length != 3 * pixels || (image.alpha() != null && image.alpha().length != pixels)) {
            throw new AssertionError("buffers do not match " + image.width() + "x" + image.height());
        }
        if (MaskReader.fromImage(image).length != pixels) {
            throw new AssertionError("mask size differs from the image's");
        }
    }

    /** A copy of a PNG with every complete chunk's CRC recomputed; null when {@code data} is not a PNG. */
    static byte[] withPngCrcsFixed(byte[] data) {
        if (data.length < 8 || (data[0] & 0xFF) != 0x89 || data[1] != 'P' || data[2] != 'N' || data[3] != 'G') {
            return null;
        }
        byte[] copy = data.clone();
        CRC32 crc = new CRC32();
        int pos = 8;
        while (copy.length - pos >= 12) {
            long length = readInt(copy, pos) & 0xFFFFFFFFL;
            if (length > copy.length - pos - 12L) {
                break;
            }
            int len = (int) length;
            crc.reset();
            crc.update(copy, pos + 4, 4 + len);
            int v = (int) crc.getValue();
            int at = pos + 8 + len;
            copy[at] = (byte) (v >>> 24);
            copy[at + 1] = (byte) (v >>> 16);
            copy[at + 2] = (byte) (v >>> 8);
            copy[at + 3] = (byte) v;
            pos = at + 4;
        }
        return copy;
    }

    private static int readInt(byte[] d, int p) {
        return (d[p] & 0xFF) << 24 | (d[p + 1] & 0xFF) << 16 | (d[p + 2] & 0xFF) << 8 | (d[p + 3] & 0xFF);
    }
}
