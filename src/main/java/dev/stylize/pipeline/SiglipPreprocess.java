package dev.stylize.pipeline;

import dev.stylize.imaging.Resampler;
import dev.stylize.imaging.RgbImage;

/**
 * SigLIP input as HF's SiglipImageProcessor builds it (docs/pipeline.md#siglip-preprocessing): squash
 * to size×size with PIL BICUBIC on 8-bit data, rescale by 1/255 in float64 then float32, normalize
 * (v − 0.5)/0.5, CHW.
 */
final class SiglipPreprocess {
    private SiglipPreprocess() {}

    static float[] pixelValues(RgbImage image, int size) {
        RgbImage r = (image.width() == size && image.height() == size)
                ? image : Resampler.resize(image, size, size, Resampler.Filter.BICUBIC);
        float[] table = new float[256];
        for (int u = 0; u < 256; u++) {
            float v = (float) (u * (1 / 255.0));
            table[u] = (v - 0.5f) / 0.5f;
        }
        int n = size * size;
        float[] out = new float[3 * n];
        byte[] rgb = r.rgb();
        for (int i = 0; i < n; i++) {
            out[i] = table[rgb[3 * i] & 0xFF];
            out[n + i] = table[rgb[3 * i + 1] & 0xFF];
            out[2 * n + i] = table[rgb[3 * i + 2] & 0xFF];
        }
        return out;
    }

    /** A reference mask at SigLIP resolution, binarized: 8-bit, bilinear squash, ≥ 128 is on. */
    static float[] mask(float[] mask, int w, int h, int size) {
        byte[] plane = new byte[w * h];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = (byte) (mask[i] > 0.5f ? 255 : 0);
        }
        byte[] r = (w == size && h == size) ? plane
                : Resampler.resizePlane(plane, w, h, size, size, Resampler.Filter.BILINEAR);
        float[] out = new float[size * size];
        for (int i = 0; i < out.length; i++) {
            out[i] = PixelConversion.binarizeMask(r[i] & 0xFF);
        }
        return out;
    }
}
