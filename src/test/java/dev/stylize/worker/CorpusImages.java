package dev.stylize.worker;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Image bytes for {@link BadInputCorpusIT}: a PNG writer that can write any colour type and depth (and lie in
 * its header), ImageIO encodings, and the damage done to them. Byte-level so that each case is exactly the
 * file it claims to be.
 */
final class CorpusImages {
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    static final int GRAY = 0;
    static final int RGB = 2;
    static final int PALETTE = 3;
    static final int GRAY_ALPHA = 4;
    static final int RGBA = 6;

    /** Sample {@code c} of pixel (x, y), within the bit depth. */
    interface Samples {
        int at(int x, int y, int c);
    }

    private CorpusImages() {}

    // ---- PNG, written by hand --------------------------------------------------------------------------------

    static int channels(int colorType) {
        return switch (colorType) {
            case GRAY, PALETTE -> 1;
            case RGB -> 3;
            case GRAY_ALPHA -> 2;
            case RGBA -> 4;
            default -> throw new IllegalArgumentException("colour type " + colorType);
        };
    }

    /** Unfiltered scanlines (filter byte 0 each), samples packed MSB first as PNG stores them. */
    static byte[] scanlines(int w, int h, int colorType, int depth, Samples s) {
        int ch = channels(colorType);
        int rowBytes = (w * ch * depth + 7) / 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            byte[] row = new byte[rowBytes];
            int bit = 0;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < ch; c++) {
                    int v = s.at(x, y, c);
                    if (depth == 16) {
                        row[bit / 8] = (byte) (v >>> 8);
                        row[bit / 8 + 1] = (byte) v;
                    } else if (depth == 8) {
                        row[bit / 8] = (byte) v;
                    } else {
                        int shift = 8 - depth - (bit % 8);
                        row[bit / 8] |= (byte) ((v & ((1 << depth) - 1)) << shift);
                    }
                    bit += depth;
                }
            }
            out.write(0);
            out.writeBytes(row);
        }
        return out.toByteArray();
    }

    static byte[] ihdr(int w, int h, int depth, int colorType, int compression, int filter, int interlace) {
        return ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth).put((byte) colorType)
                .put((byte) compression).put((byte) filter).put((byte) interlace).array();
    }

    static byte[] chunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue())
                .array();
    }

    static byte[] zlib(byte[] raw) {
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** Signature, then the chunks as given. */
    static byte[] pngOf(byte[]... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        for (byte[] c : chunks) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    /** A well-formed PNG; {@code extra} chunks (PLTE, tRNS, …) go between IHDR and IDAT. */
    static byte[] png(int w, int h, int colorType, int depth, Samples s, byte[]... extra) {
        byte[][] chunks = new byte[extra.length + 3][];
        chunks[0] = chunk("IHDR", ihdr(w, h, depth, colorType, 0, 0, 0));
        System.arraycopy(extra, 0, chunks, 1, extra.length);
        chunks[extra.length + 1] = chunk("IDAT", zlib(scanlines(w, h, colorType, depth, s)));
        chunks[extra.length + 2] = chunk("IEND", new byte[0]);
        return pngOf(chunks);
    }

    /** A gradient-ish 8-bit RGB PNG. */
    static byte[] rgbPng(int w, int h) {
        return png(w, h, RGB, 8, (x, y, c) -> (x * 37 + y * 11 + c * 80) & 0xFF);
    }

    /** A one-colour 8-bit gray PNG: the mask maker (255 = generate, 0 = keep). */
    static byte[] grayPng(int w, int h, int value) {
        return png(w, h, GRAY, 8, (x, y, c) -> value);
    }

    /** A structurally valid PNG whose IHDR claims w×h RGB, with a few bytes of pixel data. */
    static byte[] pngClaiming(int w, int h) {
        return pngOf(chunk("IHDR", ihdr(w, h, 8, RGB, 0, 0, 0)), chunk("IDAT", zlib(new byte[64])),
                chunk("IEND", new byte[0]));
    }

    /** A valid PNG padded with a private ancillary chunk to exactly {@code size} bytes. */
    static byte[] pngOfExactSize(int size) {
        byte[] core = rgbPng(16, 16);
        int pad = size - core.length - 12;
        if (pad < 0) {
            throw new IllegalArgumentException("too small: " + size);
        }
        byte[] filler = new byte[pad];
        new Random(7).nextBytes(filler);
        // Inserted after IHDR (8 + 25 bytes): "prVt" is ancillary, private, safe to copy.
        byte[] padded = concat(Arrays.copyOfRange(core, 0, 33), chunk("prVt", filler),
                Arrays.copyOfRange(core, 33, core.length));
        if (padded.length != size) {
            throw new IllegalStateException(padded.length + " != " + size);
        }
        return padded;
    }

    // ---- damage ----------------------------------------------------------------------------------------------

    static byte[] cut(byte[] data, int length) {
        return Arrays.copyOf(data, length);
    }

    static byte[] flip(byte[] data, int at) {
        byte[] copy = data.clone();
        copy[at] ^= 0x5A;
        return copy;
    }

    static int indexOf(byte[] data, String ascii) {
        byte[] p = ascii.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + p.length <= data.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (data[i + j] != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("no " + ascii);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- other formats ---------------------------------------------------------------------------------------

    static BufferedImage rgbImage(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 8 & 0xFF) << 16 | (y * 8 & 0xFF) << 8 | 0x40);
            }
        }
        return img;
    }

    static byte[] imageIo(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no " + format + " writer for type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Through an ImageWriter with the given progressive mode (Adam7 PNG, progressive JPEG). */
    static byte[] progressive(BufferedImage img, String format) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A 4-channel (CMYK-like) JPEG, as print workflows produce. */
    static byte[] cmykJpeg() {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** ImageIO writes GIFs interlaced; one under 5 rows is what the decoder refuses. */
    static byte[] interlacedGif(int w, int h) {
        IndexColorModel palette = new IndexColorModel(8, 4, new byte[] {0, (byte) 255, 0, 0},
                new byte[] {0, 0, (byte) 255, 0}, new byte[] {0, 0, 0, (byte) 255});
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x + y) % 4);
            }
        }
        return imageIo(img, "gif");
    }

    /** A hand-written GIF89a of w×h (as its header says) holding one LZW-coded pixel. */
    static byte[] gifClaiming(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("GIF89a")).putShort((short) w).putShort((short) h).put((byte) 0x80).put((byte) 0).put((byte) 0);
        b.put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255}); // 2-colour global table
        b.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) w).putShort((short) h)
                .put((byte) 0);
        b.put(new byte[] {2, 2, 0x44, 0x01, 0}); // min code size 2: clear, 0, end
        b.put((byte) 0x3B);
        return Arrays.copyOf(b.array(), b.position());
    }

    /**
     * An RLE8-compressed BMP whose header claims w×h, holding only an end-of-bitmap code: a BMP decompression
     * bomb. (An uncompressed BMP cannot be one: the JDK reader refuses a header that claims more pixel data than
     * the file holds.)
     */
    static byte[] rleBmpClaiming(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("BM")).putInt(b.capacity()).putInt(0).putInt(14 + 40 + 8);
        b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) 8).putInt(1 /* BI_RLE8 */).putInt(2)
                .putInt(2835).putInt(2835).putInt(2).putInt(0);
        b.putInt(0).putInt(0x00FFFFFF); // palette: black, white
        b.put((byte) 0).put((byte) 1); // end of bitmap
        return b.array();
    }

    /** A lossless WebP (VP8L) whose header claims w×h (each at most 16384), with a few bytes of bitstream. */
    static byte[] webpClaiming(int w, int h) {
        byte[] vp8l = new byte[16];
        vp8l[0] = 0x2F;
        int bits = (w - 1) | (h - 1) << 14;
        vp8l[1] = (byte) bits;
        vp8l[2] = (byte) (bits >>> 8);
        vp8l[3] = (byte) (bits >>> 16);
        vp8l[4] = (byte) (bits >>> 24);
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + vp8l.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(4 + 8 + vp8l.length).put(ascii("WEBP"));
        b.put(ascii("VP8L")).putInt(vp8l.length).put(vp8l);
        return b.array();
    }

    /** A JPEG whose SOF0 frame header claims w×h (the scan data is that of a 16×8 image). */
    static byte[] jpegClaiming(int w, int h) {
        byte[] data = imageIo(rgbImage(16, 8), "jpeg");
        int sof = -1;
        for (int i = 0; i + 1 < data.length; i++) {
            if ((data[i] & 0xFF) == 0xFF && (data[i + 1] & 0xFF) == 0xC0) {
                sof = i;
                break;
            }
        }
        data[sof + 5] = (byte) (h >>> 8);
        data[sof + 6] = (byte) h;
        data[sof + 7] = (byte) (w >>> 8);
        data[sof + 8] = (byte) w;
        return data;
    }
}
