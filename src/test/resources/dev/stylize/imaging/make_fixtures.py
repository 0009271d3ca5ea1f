"""Regenerates the fixtures beside this script with Pillow (not needed by the build; run by hand).

pil-resize.txt: Image.resize of small 8-bit "L" images, one case per line:
    FILTER W H NEW_W NEW_H SOURCE_HEX EXPECTED_HEX
webp-lossless-rgba.webp / webp-lossy-rgb.webp: an 8x6 pattern (see pattern()) encoded by libwebp.
"""
import random
import PIL
from PIL import Image

FILTERS = {"BOX": Image.BOX, "BILINEAR": Image.BILINEAR, "BICUBIC": Image.BICUBIC, "LANCZOS": Image.LANCZOS}


def resize_cases():
    rnd = random.Random(20261125)
    shapes = [(4, 1, 2, 1), (2, 1, 5, 1), (1, 3, 1, 7), (7, 5, 3, 2), (5, 7, 11, 13), (16, 9, 5, 4),
              (9, 16, 23, 31), (33, 3, 7, 3), (3, 33, 3, 8), (40, 20, 17, 30), (6, 6, 1, 1), (1, 1, 4, 3)]
    lines = ["# Pillow %s Image.resize on mode L; FILTER W H NEW_W NEW_H SOURCE_HEX EXPECTED_HEX" % PIL.__version__]
    for name, flt in FILTERS.items():
        for (w, h, nw, nh) in shapes:
            if rnd.random() < 0.5:
                data = bytes(rnd.choice((0, 255)) for _ in range(w * h))  # hard edges: overshoot + clamping
            else:
                data = bytes(rnd.getrandbits(8) for _ in range(w * h))
            out = Image.frombytes("L", (w, h), data).resize((nw, nh), flt).tobytes()
            lines.append("%s %d %d %d %d %s %s" % (name, w, h, nw, nh, data.hex(), out.hex()))
    with open("pil-resize.txt", "w") as f:
        f.write("\n".join(lines) + "\n")


def pattern():
    """RGBA 8x6: R = 30x, G = 40y, B = 255 - 30x, A = 255 except the last column (0) and (0,0) (128)."""
    im = Image.new("RGBA", (8, 6))
    for y in range(6):
        for x in range(8):
            a = 0 if x == 7 else 255
            if (x, y) == (0, 0):
                a = 128
            im.putpixel((x, y), (30 * x, 40 * y, 255 - 30 * x, a))
    return im


if __name__ == "__main__":
    resize_cases()
    pattern().save("webp-lossless-rgba.webp", lossless=True, exact=True)
    pattern().convert("RGB").save("webp-lossy-rgb.webp", quality=95)
