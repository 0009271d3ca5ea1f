package dev.stylize.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.embedded.S3Server;
import dev.stylize.embedded.SharedStack;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ObjectStoreTest {
    private static final String BUCKET = EmbeddedStack.DEFAULT_BUCKET;
    /** Fast retries for tests: 5 attempts, waits of 20, 40, 80, 160 ms. */
    private static final RetryPolicy FAST = new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(500));

    private static EmbeddedStack stack;
    private static ObjectStore store;

    @BeforeAll
    static void start() {
        stack = SharedStack.get();
        store = new ObjectStore(stack.s3Settings(), FAST);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static String key() {
        return "test/" + UUID.randomUUID() + ".png";
    }

    @Test
    void putGetStatWithContentTypeAndMetadata() {
        String key = key();
        byte[] data = "not really a png".getBytes(StandardCharsets.UTF_8);
        store.put(BUCKET, key, data, "image/png", Map.of("job-id", "j-42", "Origin", "test"));
        assertArrayEquals(data, store.get(BUCKET, key, 1024));
        ObjectInfo info = store.stat(BUCKET, key).orElseThrow();
        assertEquals(data.length, info.size());
        assertEquals("image/png", info.contentType());
        assertEquals("j-42", info.userMetadata().get("job-id"));
        assertEquals("test", info.userMetadata().get("origin"));
        // Exactly at the limit is fine.
        assertArrayEquals(data, store.get(BUCKET, key, data.length));
    }

    @Test
    void missingObjectAndBucket() {
        String key = key();
        assertEquals(Optional.empty(), store.stat(BUCKET, key));
        StylizeException e = assertThrows(StylizeException.class, () -> store.get(BUCKET, key, 1024));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(BUCKET), e.getMessage());

        StylizeException b = assertThrows(StylizeException.class, () -> store.get("no-such-bucket-x", "k", 1024));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, b.code());
        assertTrue(b.getMessage().contains("no-such-bucket-x"), b.getMessage());
        assertEquals(Optional.empty(), store.stat("no-such-bucket-x", "k"));
        StylizeException w = assertThrows(StylizeException.class,
                () -> store.put("no-such-bucket-x", "k", new byte[1], null, Map.of()));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, w.code());
        assertTrue(w.getMessage().contains("no-such-bucket-x"), w.getMessage());
    }

    @Test
    void anObjectWithoutAContentTypeIsStoredAsOctets() {
        String key = key();
        store.put(BUCKET, key, new byte[] {1, 2, 3}, null, null);
        ObjectInfo info = store.stat(BUCKET, key).orElseThrow();
        assertEquals("application/octet-stream", info.contentType());
        assertEquals(Map.of(), info.userMetadata());
    }

    @Test
    void overTheLimitIsRefusedBeforeReading() {
        String key = key();
        store.put(BUCKET, key, new byte[2048], "application/octet-stream", Map.of());
        StylizeException e = assertThrows(StylizeException.class, () -> store.get(BUCKET, key, 2047));
        assertEquals(ErrorCode.OBJECT_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
    }

    @Test
    void wrongSecretFailsAtOnce() {
        // Long backoff: a retried 403 would take seconds.
        RetryPolicy slow = new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofSeconds(2));
        try (ObjectStore bad = new ObjectStore(stack.s3Settings().withSecretKey("wrong-" + stack.secretKey()), slow)) {
            long t0 = System.nanoTime();
            StylizeException e = assertThrows(StylizeException.class, () -> bad.get(BUCKET, "whatever", 10));
            assertEquals(ErrorCode.BUCKET_NOT_ALLOWED, e.code(), e.getMessage());
            StylizeException p = assertThrows(StylizeException.class,
                    () -> bad.put(BUCKET, key(), new byte[1], "text/plain", Map.of()));
            assertEquals(ErrorCode.BUCKET_NOT_ALLOWED, p.code(), p.getMessage());
            assertTrue(System.nanoTime() - t0 < 1_500_000_000L, "403 must not be retried");
        }
    }

    @Test
    void presignedGetIsFetchable() throws Exception {
        String key = key();
        byte[] data = "presigned!".getBytes(StandardCharsets.UTF_8);
        store.put(BUCKET, key, data, "text/plain", Map.of());
        String url = store.presignedGet(BUCKET, key, Duration.ofMinutes(5));
        assertTrue(url.startsWith(stack.s3Endpoint() + "/"), url);
        HttpResponse<byte[]> r = fetch(url);
        assertEquals(200, r.statusCode());
        assertArrayEquals(data, r.body());
        assertEquals(403, fetch(url.replace("X-Amz-Signature=", "X-Amz-Signature=0")).statusCode());
    }

    @Test
    void presignedGetForAPublicEndpointIsSignedForThatHost() throws Exception {
        String key = key();
        byte[] data = "public host".getBytes(StandardCharsets.UTF_8);
        store.put(BUCKET, key, data, "text/plain", Map.of());
        // "localhost" reaches the same server under another host name: the host is part of the signature.
        String publicEndpoint = "http://localhost:" + stack.s3().port();
        try (ObjectStore pub = new ObjectStore(stack.s3Settings().withPublicEndpoint(publicEndpoint), FAST)) {
            String url = pub.presignedGet(BUCKET, key, Duration.ofMinutes(5));
            assertTrue(url.startsWith(publicEndpoint + "/" + BUCKET + "/"), url);
            HttpResponse<byte[]> r = fetch(url);
            assertEquals(200, r.statusCode());
            assertArrayEquals(data, r.body());
            // The same URL sent to the other host name does not verify.
            assertEquals(403, fetch(url.replace(publicEndpoint, stack.s3Endpoint())).statusCode());
        }
    }

    @Test
    void stoppedServerIsRetriedThenUnavailableAndARestartKeepsObjects() {
        String key = key();
        byte[] data = "survives".getBytes(StandardCharsets.UTF_8);
        store.put(BUCKET, key, data, "text/plain", Map.of());
        S3Server s3 = stack.s3();
        s3.stop();
        try {
            long t0 = System.nanoTime();
            StylizeException e = assertThrows(StylizeException.class, () -> store.get(BUCKET, key, 1024));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(ErrorCode.STORAGE_UNAVAILABLE, e.code(), e.getMessage());
            assertFalse(e.code().permanent());
            assertTrue(e.getMessage().contains("5 times"), e.getMessage());
            assertTrue(ms >= 20 + 40 + 80 + 160, "backoff waits: " + ms + " ms");
        } finally {
            s3.restart();
        }
        assertArrayEquals(data, store.get(BUCKET, key, 1024));
    }

    @Test
    void aServerBackWithinTheRetriesIsUsed() {
        String key = key();
        byte[] data = "retried".getBytes(StandardCharsets.UTF_8);
        store.put(BUCKET, key, data, "text/plain", Map.of());
        S3Server s3 = stack.s3();
        s3.stop();
        CompletableFuture<Void> back = CompletableFuture.runAsync(s3::restart);
        // 8 attempts from 200 ms: up to 25 s of waiting, enough for S3Proxy to come back.
        try (ObjectStore patient = new ObjectStore(stack.s3Settings(),
                new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(5)))) {
            assertArrayEquals(data, patient.get(BUCKET, key, 1024));
        } finally {
            back.join();
        }
    }

    private static HttpResponse<byte[]> fetch(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
