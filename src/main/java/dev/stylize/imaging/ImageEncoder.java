package dev.stylize.imaging;

import dev.stylize.job.ErrorCode;
import com.luciad.imageio.webp.WebPImageWriterSpi;
import dev.stylize.job.StylizeException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Encodes an {@link RgbImage} as PNG (lossless, alpha kept when present), JPEG (alpha dropped, JDK default
 * 4:2:0 chroma subsampling) or WebP (lossless, through libwebp in the webp-imageio JNI library; alpha dropped).
 * Lossless WebP keeps the bytes-to-pixels map exact, so an output's sha256 is reproducible and its pixels
 * equal the PNG's.
 */
public final class ImageEncoder {
    private static final String WEBP_LOSSLESS = "Lossless";

    private ImageEncoder() {
    }

    /**
     * @param format      "png", "jpeg" (or "jpg"), "webp", case-insensitive
     * @param jpegQuality 0..1, used for JPEG only
     * @throws StylizeException UNSUPPORTED_FORMAT for another format, PARAM_OUT_OF_RANGE for a bad quality
     */
    public static byte[] encode(RgbImage image, String format, float jpegQuality) {
        ImageFormat f = encodable(format);
        if (f == ImageFormat.JPEG && !(jpegQuality >= 0f && jpegQuality <= 1f)) {
            throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE,
                    "JPEG quality must be between 0 and 1, got " + jpegQuality);
        }
        boolean withAlpha = f == ImageFormat.PNG && image.hasAlpha();
        BufferedImage buffered = toBufferedImage(image, withAlpha);
        ImageWriter writer = writerFor(f);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.pixelCount() / 2 + 1024);
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (f == ImageFormat.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(jpegQuality);
            } else if (f == ImageFormat.WEBP) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType(WEBP_LOSSLESS);
            }
            writer.write(null, new IIOImage(buffered, null, null), param);
        } catch (IOException e) {
            throw new StylizeException(ErrorCode.INTERNAL, "could not encode the image as " + f.formatName()
                    + ": " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The MIME type of an output format accepted by {@link #encode}. */
    public static String contentType(String format) {
        return encodable(format).contentType();
    }

    private static ImageFormat encodable(String format) {
        ImageFormat f = ImageFormat.byName(format);
        if (f != ImageFormat.PNG && f != ImageFormat.JPEG && f != ImageFormat.WEBP) {
            throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT, "cannot write " + f.formatName()
                    + " images; the output format must be png, jpeg or webp");
        }
        return f;
    }

    private static ImageWriter writerFor(ImageFormat f) {
        if (f == ImageFormat.WEBP) {
            // Direct, like the decoder's WebP reader: independent of the ImageIO registry's class loaders.
            return new WebPImageWriterSpi().createWriterInstance(null);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(f.formatName());
        if (!writers.hasNext()) {
            throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT, "no " + f.formatName() + " encoder is installed");
        }
        return writers.next();
    }

    /** TYPE_3BYTE_BGR, or TYPE_4BYTE_ABGR with alpha, filled straight from the byte arrays. */
    static BufferedImage toBufferedImage(RgbImage image, boolean withAlpha) {
        int w = image.width();
        int h = image.height();
        int n = w * h;
        byte[] rgb = image.rgb();
        BufferedImage out = new BufferedImage(w, h,
                withAlpha ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        if (withAlpha) {
            byte[] alpha = image.alpha();
            for (int i = 0, s = 0, d = 0; i < n; i++, s += 3, d += 4) {
                dst[d] = alpha[i];
                dst[d + 1] = rgb[s + 2];
                dst[d + 2] = rgb[s + 1];
                dst[d + 3] = rgb[s];
            }
        } else {
            for (int s = 0; s < 3 * n; s += 3) {
                dst[s] = rgb[s + 2];
                dst[s + 1] = rgb[s + 1];
                dst[s + 2] = rgb[s];
            }
        }
        return out;
    }
}
