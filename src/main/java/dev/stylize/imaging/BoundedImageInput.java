package dev.stylize.imaging;

import java.io.IOException;
import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An image's bytes for an ImageIO reader, which may ask for bytes past the end only a bounded number of
 * times. Some readers treat the end of the data as more data: TwelveMonkeys' WebP lossless bit reader
 * catches the EOFException and goes on decoding zeros, one exception per read, so a damaged 72-byte file
 * took seconds to minutes and came back as an image. Past {@link #EOF_READS_ALLOWED} the read fails with
 * an IIOException, which no reader mistakes for the end of the data.
 */
final class BoundedImageInput extends ImageInputStreamImpl {
    /** A reader looking ahead at the end of intact data asks a few dozen times at most (one per bit of a long). */
    static final int EOF_READS_ALLOWED = 1024;

    private final byte[] data;
    private final int length;
    private int eofReads;

    BoundedImageInput(byte[] data, int length) {
        this.data = data;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        checkClosed();
        bitOffset = 0;
        if (streamPos >= length) {
            return pastEnd();
        }
        return data[(int) streamPos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IndexOutOfBoundsException();
        }
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        if (streamPos >= length) {
            return pastEnd();
        }
        int n = (int) Math.min(len, length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return length;
    }

    private int pastEnd() throws IIOException {
        if (++eofReads > EOF_READS_ALLOWED) {
            throw new IIOException("the reader went on past the end of the image data (damaged data)");
        }
        return -1;
    }
}
