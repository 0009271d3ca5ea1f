package dev.stylize.analytic;

/**
 * Test-side mask packing, latent packing and position ids (docs/pipeline.md#mask-packing,
 * #latent-packing, #position-ids) as plain loops, independent of any production packer.
 * {@link Layout} gives deliberately wrong variants so tests can show that the analytic graphs
 * notice routing mistakes.
 */
public final class ReferencePacking {

    /** SPEC is correct; the others swap two packing axes. */
    public enum Layout { SPEC, SWAP_DY_DX, SWAP_TOKEN_AXES }

    private ReferencePacking() {}

    /** (C,h,w) → (N, 4C): tok[i·(w/2)+j, 4c+2dy+dx] = lat[c, 2i+dy, 2j+dx]. */
    public static float[] packLatent(float[] lat, int channels, int h, int w, Layout layout) {
        int gh = h / 2;
        int gw = w / 2;
        float[] tok = new float[lat.length];
        for (int i = 0; i < gh; i++) {
            for (int j = 0; j < gw; j++) {
                int t = layout == Layout.SWAP_TOKEN_AXES ? j * gh + i : i * gw + j;
                for (int c = 0; c < channels; c++) {
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            int q = layout == Layout.SWAP_DY_DX ? 2 * dx + dy : 2 * dy + dx;
                            tok[t * 4 * channels + 4 * c + q] = lat[(c * h + 2 * i + dy) * w + 2 * j + dx];
                        }
                    }
                }
            }
        }
        return tok;
    }

    public static float[] packLatent(float[] lat, int channels, int h, int w) {
        return packLatent(lat, channels, h, w, Layout.SPEC);
    }

    /** Exact inverse of {@link #packLatent} with the same layout. */
    public static float[] unpackLatent(float[] tok, int channels, int h, int w, Layout layout) {
        int gh = h / 2;
        int gw = w / 2;
        float[] lat = new float[tok.length];
        for (int i = 0; i < gh; i++) {
            for (int j = 0; j < gw; j++) {
                int t = layout == Layout.SWAP_TOKEN_AXES ? j * gh + i : i * gw + j;
                for (int c = 0; c < channels; c++) {
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            int q = layout == Layout.SWAP_DY_DX ? 2 * dx + dy : 2 * dy + dx;
                            lat[(c * h + 2 * i + dy) * w + 2 * j + dx] = tok[t * 4 * channels + 4 * c + q];
                        }
                    }
                }
            }
        }
        return lat;
    }

    public static float[] unpackLatent(float[] tok, int channels, int h, int w) {
        return unpackLatent(tok, channels, h, w, Layout.SPEC);
    }

    /** Binary H×W mask → (N,256): Mtok[i·(w/2)+j, (8py+px)·4 + 2dy + dx] = mask[16i+8dy+py, 16j+8dx+px]. */
    public static float[] packMask(float[] mask, int height, int width, Layout layout) {
        int h = height / 8;
        int w = width / 8;
        float[] unshuffled = new float[64 * h * w]; // M64[8py+px, y, x] = mask[8y+py, 8x+px]
        for (int py = 0; py < 8; py++) {
            for (int px = 0; px < 8; px++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        unshuffled[((8 * py + px) * h + y) * w + x] = mask[(8 * y + py) * width + 8 * x + px];
                    }
                }
            }
        }
        return packLatent(unshuffled, 64, h, w, layout);
    }

    /** (N,3): img_ids[i·(w/2)+j] = (0, i, j). */
    public static float[] imgIds(int h, int w) {
        int gh = h / 2;
        int gw = w / 2;
        float[] ids = new float[gh * gw * 3];
        for (int i = 0; i < gh; i++) {
            for (int j = 0; j < gw; j++) {
                ids[3 * (i * gw + j) + 1] = i;
                ids[3 * (i * gw + j) + 2] = j;
            }
        }
        return ids;
    }

    /** (N,384) = [x tokens 64 | masked-image latent tokens 64 | mask tokens 256] per token. */
    public static float[] fillHiddenStates(float[] x, float[] maskedLatent, float[] mask, int tokens) {
        float[] hs = new float[tokens * 384];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(x, 64 * t, hs, 384 * t, 64);
            System.arraycopy(maskedLatent, 64 * t, hs, 384 * t + 64, 64);
            System.arraycopy(mask, 256 * t, hs, 384 * t + 128, 256);
        }
        return hs;
    }
}
