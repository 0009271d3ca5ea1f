package dev.stylize.imaging;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.w3c.dom.Node;

/**
 * Decodes PNG, JPEG, BMP, GIF (first frame) and WebP bytes to an 8-bit {@link RgbImage}.
 *
 * <ul>
 *   <li>The format comes from the leading bytes ({@link ImageFormat#detect}); anything else is UNSUPPORTED_FORMAT.</li>
 *   <li>Width and height are read from the header before any pixel is decoded; more than {@code maxPixels}
 *       pixels is IMAGE_TOO_LARGE (a decompression bomb never gets its buffer allocated). {@link #readHeader}
 *       stops there: it gives the size without decoding, so a caller can check a whole request first.</li>
 *   <li>Truncated or damaged data is INVALID_IMAGE, never a partly grey image: PNG chunks are walked and
 *       CRC-checked up to IEND first, WebP's RIFF chunks must all be present, and decoder warnings (the JDK's JPEG reader only warns about a truncated
 *       file) fail the decode — except libjpeg's harmless "extraneous bytes before marker".</li>
 *   <li>The JDK misplaces the rows of interlaced GIFs under 5 rows high; those are UNSUPPORTED_FORMAT.</li>
 *   <li>Metadata is not used: EXIF orientation is not applied, and an embedded ICC profile is not applied
 *       (the stored samples are kept, as Pillow does; the JPEG and WebP readers would otherwise convert to
 *       sRGB).</li>
 *   <li>Grayscale is replicated to R = G = B, palettes are looked up, samples deeper than 8 bits keep their
 *       high byte ({@code v >> (bits−8)}), shallower ones are scaled with rounding ({@code 1-bit 1 → 255}).
 *       CMYK (or any other colour model than gray/RGB/palette) is UNSUPPORTED_FORMAT.</li>
 *   <li>Alpha (an alpha channel, PNG tRNS, GIF transparent index) is kept in {@link RgbImage#alpha()}, as
 *       straight (not premultiplied) alpha; images without one get {@code alpha == null}.</li>
 * </ul>
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    /**
     * @param data      the encoded image
     * @param maxPixels the largest {@code width·height} accepted
     * @throws StylizeException UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE or INVALID_IMAGE
     */
    public static RgbImage decode(byte[] data, long maxPixels) {
        return read(data, maxPixels, (header, reader, what) ->
                toRgb(readPixels(what, header.format(), reader, header.width(), header.height()), what));
    }

    /**
     * The format and size of an image, with every check {@link #decode} makes before it decodes pixels
     * (format, container structure, size limit, decodability), but without decoding any: nothing of the
     * image's size is allocated.
     *
     * @throws StylizeException UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE or INVALID_IMAGE
     */
    public static ImageHeader readHeader(byte[] data, long maxPixels) {
        return read(data, maxPixels, (header, reader, what) -> header);
    }

    /** What is done with a reader positioned after the checked header. */
    private interface ReaderStep<T> {
        T apply(ImageHeader header, ImageReader reader, String what) throws IOException;
    }

    private static <T> T read(byte[] data, long maxPixels, ReaderStep<T> step) {
        Objects.requireNonNull(data, "data");
        ImageFormat format = ImageFormat.detect(data).orElseThrow(() -> new StylizeException(
                ErrorCode.UNSUPPORTED_FORMAT, "the image is not PNG, JPEG, BMP, GIF or WebP (" + data.length
                + " bytes starting " + ImageFormat.describeStart(data) + ")"));
        int length = checkContainer(format, data);
        String what = "the " + format.name() + " image";
        ImageReader reader = readerFor(format);
        try (ImageInputStream in = new BoundedImageInput(data, length)) {
            // GIF image metadata (a few bytes, no EXIF) is needed for the interlace check
            reader.setInput(in, true, format != ImageFormat.GIF);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkSize(what, width, height, maxPixels);
            checkDecodable(what, format, reader, height);
            return step.apply(new ImageHeader(format, width, height), reader, what);
        } catch (StylizeException e) {
            throw e;
        } catch (IIOException e) {
            if (String.valueOf(e.getMessage()).contains("Unsupported Image Type")) {
                throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT,
                        what + " uses a colour model that is not supported (CMYK?)", e);
            }
            throw new StylizeException(ErrorCode.INVALID_IMAGE, what + " is damaged or truncated: "
                    + describe(e), e);
        } catch (IOException | RuntimeException e) {
            // Readers signal corrupt input with EOFException, IndexOutOfBounds, IllegalArgument, …
            throw new StylizeException(ErrorCode.INVALID_IMAGE, what + " is damaged or truncated: "
                    + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Container-level truncation checks for the formats whose readers accept cut files.
     *
     * @return how many leading bytes the reader is given: a WebP file's RIFF container only
     */
    private static int checkContainer(ImageFormat format, byte[] data) {
        if (format == ImageFormat.PNG) {
            PngStructure.check(data);
        } else if (format == ImageFormat.WEBP) {
            return WebpStructure.check(data);
        }
        return data.length;
    }

    /** Refuses what the reader is known to decode wrongly. */
    private static void checkDecodable(String what, ImageFormat format, ImageReader reader, int height)
            throws IOException {
        if (format == ImageFormat.GIF && height <= 4 && interlaced(reader)) {
            // the JDK's GIF reader puts the rows of an interlaced frame under 5 rows in the wrong places
            throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT, what + " is an interlaced GIF only "
                    + height + " rows high, which the decoder cannot read correctly");
        }
    }

    /** Decodes image 0; any reader warning (except harmless ones) means damaged data. */
    private static BufferedImage readPixels(String what, ImageFormat format, ImageReader reader, int width,
                                            int height) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        ImageReadParam param = reader.getDefaultReadParam();
        BufferedImage raw = rawColourDestination(reader, width, height);
        if (raw != null) {
            param.setDestination(raw);
        }
        BufferedImage image = reader.read(0, param);
        for (String warning : warnings) {
            if (!harmless(format, warning)) {
                throw new StylizeException(ErrorCode.INVALID_IMAGE, what + " is damaged: " + warning);
            }
        }
        if (image.getWidth() != width || image.getHeight() != height) {
            throw new StylizeException(ErrorCode.INVALID_IMAGE, what + " decoded to " + image.getWidth()
                    + "x" + image.getHeight() + " but its header says " + width + "x" + height);
        }
        return image;
    }

    private static void checkSize(String what, int width, int height, long maxPixels) {
        if (width < 1 || height < 1) {
            throw new StylizeException(ErrorCode.INVALID_IMAGE, what + " has an invalid size "
                    + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > Math.min(maxPixels, RgbImage.MAX_PIXELS)) {
            throw new StylizeException(ErrorCode.IMAGE_TOO_LARGE, what + " is " + width + "x" + height
                    + " = " + pixels + " pixels, more than the " + Math.min(maxPixels, RgbImage.MAX_PIXELS)
                    + " allowed");
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        if (format == ImageFormat.WEBP) {
            // Direct, so that WebP does not depend on the ImageIO registry seeing the plugin's class loader.
            return new WebPImageReaderSpi().createReaderInstance(null);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.formatName());
        if (readers.hasNext()) {
            return readers.next();
        }
        throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT, "no " + format + " decoder is installed");
    }

    /**
     * The JPEG and WebP readers convert pixels through an embedded ICC profile to sRGB unless the destination
     * is in the profile's own colour space (which they offer among the image types). Reading into that
     * destination keeps the stored samples, as Pillow does; null when there is no embedded RGB profile.
     */
    private static BufferedImage rawColourDestination(ImageReader reader, int width, int height) throws IOException {
        for (Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0); types.hasNext(); ) {
            ImageTypeSpecifier type = types.next();
            ColorSpace cs = type.getColorModel().getColorSpace();
            if (cs.getNumComponents() == 3 && !cs.isCS_sRGB() && cs.getType() == ColorSpace.TYPE_RGB) {
                return type.createBufferedImage(width, height);
            }
        }
        return null;
    }

    private static boolean interlaced(ImageReader reader) throws IOException {
        IIOMetadata metadata = reader.getImageMetadata(0);
        if (metadata == null) {
            return false;
        }
        Node root = metadata.getAsTree("javax_imageio_gif_image_1.0");
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals("ImageDescriptor")) {
                Node flag = n.getAttributes().getNamedItem("interlaceFlag");
                return flag != null && "TRUE".equalsIgnoreCase(flag.getNodeValue());
            }
        }
        return false;
    }

    private static boolean harmless(ImageFormat format, String warning) {
        return format == ImageFormat.JPEG && warning.toLowerCase(Locale.ROOT).contains("extraneous bytes");
    }

    private static String describe(Exception e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            sb.append(' ').append(e.getMessage());
        }
        if (e.getCause() != null && e.getCause() != e) {
            sb.append(" (").append(e.getCause().getClass().getSimpleName());
            if (e.getCause().getMessage() != null) {
                sb.append(' ').append(e.getCause().getMessage());
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** Converts any gray, RGB or palette image to 8-bit RGB plus optional straight alpha. */
    static RgbImage toRgb(BufferedImage image, String what) {
        if (image.isAlphaPremultiplied()) {
            image.coerceData(false);
        }
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[w * h * 3];
        byte[] alpha = cm.hasAlpha() ? new byte[w * h] : null;

        if (cm instanceof IndexColorModel icm) {
            fromPalette(icm, raster, w, h, rgb, alpha);
            return new RgbImage(w, h, rgb, alpha);
        }
        int colors = cm.getNumColorComponents();
        if (colors != 1 && colors != 3) {
            throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT, what + " has " + colors
                    + " colour components (CMYK or similar); only gray, RGB and palette images are supported");
        }
        if (raster.getNumBands() != cm.getNumComponents()) {
            throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT, what + " has an unusual sample layout ("
                    + raster.getNumBands() + " bands for " + cm.getNumComponents() + " components)");
        }
        if (!fastInterleaved(cm, raster, w, h, rgb, alpha)) {
            fromSamples(cm, raster, w, h, rgb, alpha);
        }
        return new RgbImage(w, h, rgb, alpha);
    }

    private static void fromPalette(IndexColorModel icm, Raster raster, int w, int h, byte[] rgb, byte[] alpha) {
        int size = icm.getMapSize();
        int[] argb = new int[256];
        icm.getRGBs(argb); // straight ARGB, one per palette entry; entries past the map stay 0 (black)
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int index = row[x];
                int c = index < size ? argb[index] : 0;
                int p = y * w + x;
                rgb[3 * p] = (byte) (c >>> 16);
                rgb[3 * p + 1] = (byte) (c >>> 8);
                rgb[3 * p + 2] = (byte) c;
                if (alpha != null) {
                    alpha[p] = (byte) (c >>> 24);
                }
            }
        }
    }

    /** 8-bit interleaved bytes (what the JDK returns for most PNG/JPEG): read the buffer directly. */
    private static boolean fastInterleaved(ColorModel cm, Raster raster, int w, int h, byte[] rgb, byte[] alpha) {
        if (!(raster.getDataBuffer() instanceof DataBufferByte buffer)
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel sm)
                || cm.getNumColorComponents() != 3 || buffer.getNumBanks() != 1
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            return false;
        }
        for (int bits : cm.getComponentSize()) {
            if (bits != 8) {
                return false;
            }
        }
        byte[] src = buffer.getData();
        int[] offsets = sm.getBandOffsets();
        int stride = sm.getPixelStride();
        int scan = sm.getScanlineStride();
        int base = buffer.getOffset();
        int ro = offsets[0], go = offsets[1], bo = offsets[2], ao = alpha != null ? offsets[3] : 0;
        for (int y = 0; y < h; y++) {
            int s = base + y * scan;
            int p = y * w;
            for (int x = 0; x < w; x++, s += stride, p++) {
                rgb[3 * p] = src[s + ro];
                rgb[3 * p + 1] = src[s + go];
                rgb[3 * p + 2] = src[s + bo];
                if (alpha != null) {
                    alpha[p] = src[s + ao];
                }
            }
        }
        return true;
    }

    /** Any gray/RGB layout and depth, through the raster's unpacked samples. */
    private static void fromSamples(ColorModel cm, Raster raster, int w, int h, byte[] rgb, byte[] alpha) {
        int bands = raster.getNumBands();
        int[] bits = cm.getComponentSize();
        boolean gray = cm.getNumColorComponents() == 1;
        int alphaBand = gray ? 1 : 3;
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int s = x * bands;
                int p = y * w + x;
                if (gray) {
                    byte v = (byte) to8Bit(row[s], bits[0]);
                    rgb[3 * p] = v;
                    rgb[3 * p + 1] = v;
                    rgb[3 * p + 2] = v;
                } else {
                    rgb[3 * p] = (byte) to8Bit(row[s], bits[0]);
                    rgb[3 * p + 1] = (byte) to8Bit(row[s + 1], bits[1]);
                    rgb[3 * p + 2] = (byte) to8Bit(row[s + 2], bits[2]);
                }
                if (alpha != null) {
                    alpha[p] = (byte) to8Bit(row[s + alphaBand], bits[alphaBand]);
                }
            }
        }
    }

    /** A sample of {@code bits} bits as 8 bits: high byte when deeper, rounded scaling when shallower. */
    static int to8Bit(int value, int bits) {
        if (bits == 8) {
            return value & 0xFF;
        }
        if (bits > 8) {
            return (value >>> (bits - 8)) & 0xFF;
        }
        int max = (1 << bits) - 1;
        return (value * 255 + max / 2) / max;
    }
}
