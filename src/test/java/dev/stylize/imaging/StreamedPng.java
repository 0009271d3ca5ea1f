package dev.stylize.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Valid RGB PNGs of any size written row by row, so that their pixels are never held: a blank 6000×6000 image
 * of a few hundred KB (what a client can send to ask for a huge job cheaply), or large images whose encoded size
 * is chosen (random rows do not compress), to fill an object size limit.
 */
public final class StreamedPng {
    private StreamedPng() {
    }

    /** All black. */
    public static byte[] blank(int width, int height) {
        return write(width, height, 0, 0);
    }

    /**
     * The first {@code noisyRows} rows random (so about {@code 3·width·noisyRows} bytes encoded), the rest
     * black. As a mask it selects about half of the noisy rows' pixels.
     */
    public static byte[] noisy(int width, int height, int noisyRows, long seed) {
        return write(width, height, noisyRows, seed);
    }

    private static byte[] write(int width, int height, int noisyRows, long seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater(noisyRows > 0 ? Deflater.BEST_SPEED : Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[1 + 3 * width]; // filter type 0, then the samples
        byte[] buffer = new byte[1 << 16];
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            if (y < noisyRows) {
                random.nextBytes(row);
                row[0] = 0;
            } else if (y == noisyRows) {
                java.util.Arrays.fill(row, (byte) 0);
            }
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Appends one PNG chunk: length, type, data, CRC-32 over type and data. */
    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
