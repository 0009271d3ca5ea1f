package dev.stylize.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stylize.imaging.ImageEncoder;
import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.TestImages;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentKeyTest {
    @Test
    void theKeyIsTheSha256OfTheBytesWithTheFormatsExtension() {
        byte[] png = ImageEncoder.encode(TestImages.gradient(8, 8), "png", 0.95f);
        // sha256 of these exact bytes, computed independently of the code under test
        String sha = java.util.HexFormat.of().formatHex(sha256(png));
        assertEquals("inputs/" + sha + ".png", ContentKey.of("inputs/", png));
        assertEquals("inputs/" + sha + ".png", ContentKey.of("inputs", png), "one slash after the prefix");
        assertEquals(sha + ".png", ContentKey.of("", png));
    }

    @Test
    void theExtensionFollowsTheBytesNotAName() {
        byte[] jpeg = ImageEncoder.encode(TestImages.gradient(8, 8), "jpeg", 0.9f);
        assertEquals("jpg", ContentKey.extension(jpeg));
        assertEquals("bin", ContentKey.extension("not an image".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void otherBytesGetAnotherKey() {
        byte[] a = ImageEncoder.encode(TestImages.uniform(8, 8, 1, 2, 3), "png", 0.95f);
        byte[] b = ImageEncoder.encode(TestImages.uniform(8, 8, 1, 2, 4), "png", 0.95f);
        assertNotEquals(ContentKey.of("inputs/", a), ContentKey.of("inputs/", b));
        assertEquals(ContentKey.of("inputs/", a), ContentKey.of("inputs/", a.clone()));
    }

    @Test
    void s3ArgumentsNameBucketAndKey() {
        assertEquals(new ObjectRef("photos", "2026/room.jpg"), InputUploader.parseS3("s3://photos/2026/room.jpg"));
        assertThrows(StylizeException.class, () -> InputUploader.parseS3("s3://photos"));
        assertThrows(StylizeException.class, () -> InputUploader.parseS3("s3:///key"));
        assertThrows(StylizeException.class, () -> InputUploader.parseS3("s3://photos/"));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
