package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stylize.imaging.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PixelConversionTest {

    /** Hand-evaluated diffusers rule: clamp(x/2 + 1/2, 0, 1)·255, round half to even. */
    @ParameterizedTest
    @CsvSource({"-1, 0", "1, 255", "0, 128", "-3, 0", "2.5, 255", "0.5, 191", "-0.5, 64", "NaN, 0"})
    void toUint8FollowsDiffusers(float x, int expected) {
        assertEquals(expected, PixelConversion.toUint8(x));
    }

    /**
     * A tie: for x = −0.49411765 (bits 0xbefcfcfd) the float32 product (x·0.5 + 0.5)·255 is exactly
     * 64.5, which numpy rounds to the even 64 (round-half-up would give 65).
     */
    @Test
    void toUint8RoundsTiesToEven() {
        float x = Float.intBitsToFloat(0xbefcfcfd);
        assertEquals(64.5f, (x * 0.5f + 0.5f) * 255f);
        assertEquals(64, PixelConversion.toUint8(x));
    }

    /**
     * The pipeline's 8-bit → [−1, 1] map (RgbImage.toSigned, the one place it lives) for all 256
     * inputs: equal to numpy's float32 recipe (float32 division u/255f, then 2x − 1), also to BFL's
     * u/127.5f − 1f, and within 2^-23 of the exact u/127.5 − 1. Round trip back to the byte.
     */
    @Test
    void toSignedMatchesBothReferencesForEveryByte() {
        for (int u = 0; u <= 255; u++) {
            float diffusers = 2f * ((float) u / 255f) - 1f;
            float bfl = (float) u / 127.5f - 1f;
            float value = RgbImage.toSigned(u);
            assertEquals(diffusers, value, "diffusers, u = " + u);
            assertEquals(bfl, value, "BFL, u = " + u);
            assertEquals(u / 127.5 - 1.0, value, 0x1.0p-23, "exact, u = " + u);
            assertEquals(u, PixelConversion.toUint8(value), "round trip, u = " + u);
        }
        assertEquals(-1f, RgbImage.toSigned(0));
        assertEquals(1f, RgbImage.toSigned(255));
    }

    /** docs/pipeline.md#mask-binarization: 127 → 0, 128 → 1; and diffusers' float rule for all bytes. */
    @Test
    void maskThresholdIs128() {
        assertEquals(0f, PixelConversion.binarizeMask(127));
        assertEquals(1f, PixelConversion.binarizeMask(128));
        assertEquals(0f, PixelConversion.binarizeMask(0));
        assertEquals(1f, PixelConversion.binarizeMask(255));
        for (int u = 0; u <= 255; u++) {
            float diffusers = ((float) u / 255f) >= 0.5f ? 1f : 0f;
            assertEquals(diffusers, PixelConversion.binarizeMask(u), "u = " + u);
        }
    }

    @Test
    void rejectsValuesOutsideAByte() {
        assertThrows(IllegalArgumentException.class, () -> RgbImage.toSigned(256));
        assertThrows(IllegalArgumentException.class, () -> PixelConversion.binarizeMask(-1));
    }
}
