package dev.stylize.storage;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.errors.XmlParserException;
import io.minio.http.Method;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * S3 object access for the worker (MinIO Java client; any S3-compatible server).
 *
 * <p>Errors are typed: a missing object or bucket is {@link ErrorCode#OBJECT_NOT_FOUND}, an object
 * over the caller's limit {@link ErrorCode#OBJECT_TOO_LARGE}, access denied by the server (HTTP
 * 403: wrong credentials, or a bucket the credentials may not read) {@link ErrorCode#BUCKET_NOT_ALLOWED};
 * these fail at once. Transient faults (connection refused or reset, timeouts, HTTP 5xx, truncated
 * or garbled answers) are retried with bounded exponential backoff ({@link RetryPolicy}), then
 * reported as {@link ErrorCode#STORAGE_UNAVAILABLE}.
 *
 * <p>The bucket allow-list ({@link BucketPolicy}) is the caller's job: this class serves any bucket
 * its credentials reach, including the worker's own.
 *
 * <p>Close it: the HTTP client's threads otherwise keep the JVM alive for about a minute.
 */
public final class ObjectStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    private static final Duration MAX_PRESIGN_TTL = Duration.ofDays(7);
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(5);

    private final S3Settings settings;
    private final RetryPolicy retry;
    private final MinioClient client;
    /** The same connection pool, for PUTs of bytes in memory ({@link BytePuts}). */
    private final BytePuts bytePuts;
    /** Signs presigned URLs for the public endpoint; never sends a request (the region is set). */
    private final MinioClient publicSigner;

    public ObjectStore(S3Settings settings) {
        this(settings, RetryPolicy.DEFAULT);
    }

    public ObjectStore(S3Settings settings, RetryPolicy retry) {
        this(settings, retry, DEFAULT_IO_TIMEOUT);
    }

    /**
     * @param ioTimeout longest wait for a connection, or for the next bytes of a request or answer: a frozen
     *                  server is noticed (and the call retried) after this long, whatever the object's size
     */
    public ObjectStore(S3Settings settings, RetryPolicy retry, Duration ioTimeout) {
        this.settings = settings;
        this.retry = retry;
        // The client's defaults wait minutes; a dead or frozen server should fail fast and be retried.
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder().socketFactory(new NoDelaySockets())
                .protocols(java.util.List.of(okhttp3.Protocol.HTTP_1_1))
                .connectTimeout(ioTimeout).writeTimeout(ioTimeout).readTimeout(ioTimeout).build();
        this.client = MinioClient.builder().endpoint(settings.endpoint()).region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey()).httpClient(http, true).build();
        this.bytePuts = new BytePuts(io.minio.MinioAsyncClient.builder().endpoint(settings.endpoint())
                .region(settings.region()).credentials(settings.accessKey(), settings.secretKey())
                .httpClient(http, false).build());
        this.publicSigner = settings.publicEndpoint() == null ? null
                : MinioClient.builder().endpoint(settings.publicEndpoint()).region(settings.region())
                        .credentials(settings.accessKey(), settings.secretKey()).build();
    }

    public S3Settings settings() {
        return settings;
    }

    /**
     * The whole object, at most {@code maxBytes} long ({@link ErrorCode#OBJECT_TOO_LARGE} otherwise,
     * checked from its Content-Length before reading its body, and again while reading).
     */
    public byte[] get(String bucket, String key, long maxBytes) {
        return fetch(bucket, key, maxBytes).bytes();
    }

    /** An object's bytes and the ETag they were served with (which changes whenever the content does). */
    public record Fetched(byte[] bytes, String etag) {}

    /** As {@link #get}, with the ETag of exactly these bytes. */
    public Fetched fetch(String bucket, String key, long maxBytes) {
        // One request: the size comes from the answer's Content-Length, and the read stops one byte past the
        // limit in case the header is missing or wrong.
        return withRetry("get", bucket, key, () -> {
            try (GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                String length = in.headers().get("Content-Length");
                if (length != null && Long.parseLong(length) > maxBytes) {
                    throw tooLarge(bucket, key, Long.parseLong(length), maxBytes);
                }
                int limit = maxBytes >= Integer.MAX_VALUE - 8 ? Integer.MAX_VALUE - 8 : (int) maxBytes + 1;
                byte[] data = in.readNBytes(limit);
                if (data.length > maxBytes) {
                    throw tooLarge(bucket, key, -1, maxBytes);
                }
                return new Fetched(data, in.headers().get("ETag"));
            } catch (ErrorResponseException e) {
                if (status(e) == 404) {
                    throw notFound(bucket, key);
                }
                throw e;
            }
        });
    }

    /** Size, content type and user metadata; empty when the object (or its bucket) does not exist. */
    public Optional<ObjectInfo> stat(String bucket, String key) {
        return withRetry("stat", bucket, key, () -> {
            try {
                StatObjectResponse st = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
                return Optional.of(new ObjectInfo(bucket, key, st.size(), st.contentType(), st.etag(), st.userMetadata()));
            } catch (ErrorResponseException e) {
                if (status(e) == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** Keys under {@code prefix}, recursively, in the store's order. */
    public java.util.List<String> list(String bucket, String prefix) {
        return withRetry("list", bucket, prefix, () -> {
            java.util.List<String> keys = new java.util.ArrayList<>();
            for (io.minio.Result<io.minio.messages.Item> r : client.listObjects(io.minio.ListObjectsArgs.builder()
                    .bucket(bucket).prefix(prefix).recursive(true).build())) {
                keys.add(r.get().objectName());
            }
            return keys;
        });
    }

    /** Writes the object (replacing any); {@code userMetadata} becomes {@code x-amz-meta-*} headers. */
    public void put(String bucket, String key, byte[] data, String contentType, Map<String, String> userMetadata) {
        withRetry("put", bucket, key, () -> {
            PutObjectArgs.Builder b = PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(data), data.length, -1);
            if (contentType != null) {
                b.contentType(contentType);
            }
            if (userMetadata != null && !userMetadata.isEmpty()) {
                b.userMetadata(userMetadata);
            }
            PutObjectArgs args = b.build();
            try {
                bytePuts.put(args, data);
            } catch (ErrorResponseException e) {
                throw missingBucket(args, e);
            }
            return null;
        });
    }

    /**
     * PutObject of bytes already in memory through the client's byte-array path (protected API):
     * {@code putObject(PutObjectArgs)} takes a stream, copies it on the common fork-join pool (one core's worth
     * on a 2-core machine) and builds an HTTP client per request, which doubled a small PUT (14 bytes to the
     * embedded S3Proxy: 4.3 against 2.2 ms p50). The headers are the stream path's: {@link PutObjectArgs#genHeaders} and the
     * content type.
     */
    private static final class BytePuts extends io.minio.MinioAsyncClient {
        BytePuts(io.minio.MinioAsyncClient client) {
            super(client);
        }

        void put(PutObjectArgs args, byte[] data) throws Exception {
            com.google.common.collect.Multimap<String, String> headers = newMultimap(args.extraHeaders());
            headers.putAll(args.genHeaders());
            if (!headers.containsKey("Content-Type")) {
                headers.put("Content-Type", args.contentType());
            }
            try {
                putObjectAsync(args.bucket(), args.region(), args.object(), data, data.length, headers,
                        args.extraQueryParams()).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throwEncapsulatedException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StylizeException(ErrorCode.CANCELLED, "interrupted while writing " + args.object(), e);
            }
        }
    }

    /**
     * A presigned GET URL valid for {@code ttl} (1 s to 7 days), signed for the public endpoint
     * when one is set (the URL then names that host), else for the endpoint. Sends no request.
     */
    public String presignedGet(String bucket, String key, Duration ttl) {
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_PRESIGN_TTL) > 0) {
            throw new IllegalArgumentException("presigned URL lifetime must be between 1 s and 7 days: " + ttl);
        }
        MinioClient signer = publicSigner != null ? publicSigner : client;
        return withRetry("presign", bucket, key, () -> signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET).bucket(bucket).object(key).expiry((int) ttl.toSeconds()).build()));
    }

    /**
     * Streams the object into {@code dest} (created or replaced) and returns the sha256 of the bytes
     * written. A transient fault restarts the download from the beginning (bounded, as every call).
     * For files too large for {@link #get}: model graphs of several GB.
     */
    public String download(String bucket, String key, Path dest) {
        return withRetry("download", bucket, key, () -> {
            try (GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
                    OutputStream out = Files.newOutputStream(dest)) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 20];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException local) {
                        // A full or failing local disk is not a storage fault: no retry.
                        throw new StylizeException(ErrorCode.INTERNAL, "cannot write " + dest + ": " + local, local);
                    }
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (ErrorResponseException e) {
                if (status(e) == 404) {
                    throw notFound(bucket, key);
                }
                throw e;
            }
        });
    }

    /** Uploads a file of any size (multipart when large), re-reading it from the start on a retry. */
    public void upload(String bucket, String key, Path file, String contentType) {
        withRetry("upload", bucket, key, () -> {
            long size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                PutObjectArgs.Builder b = PutObjectArgs.builder().bucket(bucket).object(key).stream(in, size, -1);
                if (contentType != null) {
                    b.contentType(contentType);
                }
                putObject(b.build());
            }
            return null;
        });
    }

    private void putObject(PutObjectArgs args) throws Exception {
        try {
            client.putObject(args);
        } catch (ErrorResponseException e) {
            throw missingBucket(args, e);
        }
    }

    /** A write into a bucket that does not exist is OBJECT_NOT_FOUND, naming both; other answers as they are. */
    private static Exception missingBucket(PutObjectArgs args, ErrorResponseException e) {
        if (status(e) == 404) {
            return new StylizeException(ErrorCode.OBJECT_NOT_FOUND,
                    "bucket '" + args.bucket() + "' does not exist (writing '" + args.object() + "')", e);
        }
        return e;
    }

    /** Removes the objects in one request (S3 DeleteObjects); missing ones are not an error. */
    public void delete(String bucket, java.util.Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        withRetry("delete", bucket, keys.size() + " objects", () -> {
            java.util.List<io.minio.messages.DeleteObject> objects = keys.stream()
                    .map(io.minio.messages.DeleteObject::new).toList();
            for (io.minio.Result<io.minio.messages.DeleteError> r : client.removeObjects(
                    io.minio.RemoveObjectsArgs.builder().bucket(bucket).objects(objects).build())) {
                io.minio.messages.DeleteError error = r.get(); // the iteration sends the request
                throw new StylizeException(ErrorCode.INTERNAL, "could not delete " + error.objectName() + ": "
                        + error.message());
            }
            return null;
        });
    }

    /** Whether the bucket exists (false on 404; other faults as every call). */
    public boolean bucketExists(String bucket) {
        return withRetry("bucketExists", bucket, null,
                () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    /** Creates the bucket unless it exists. */
    public void ensureBucket(String bucket) {
        withRetry("ensureBucket", bucket, null, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                } catch (ErrorResponseException e) {
                    String code = e.errorResponse() == null ? "" : e.errorResponse().code();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void close() {
        closeQuietly(client);
        if (publicSigner != null) {
            closeQuietly(publicSigner);
        }
    }

    private static void closeQuietly(MinioClient c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debugf(e, "closing the S3 client");
        }
    }

    // ------------------------------------------------------------------------------------------

    /**
     * Sockets without Nagle's algorithm: a request's last small segment otherwise waits for the server's
     * delayed ACK (about 40 ms on Linux), which made every small PUT cost 40–50 ms.
     */
    private static final class NoDelaySockets extends javax.net.SocketFactory {
        private final javax.net.SocketFactory sockets = javax.net.SocketFactory.getDefault();

        @Override
        public java.net.Socket createSocket() throws IOException {
            return noDelay(sockets.createSocket());
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort)
                throws IOException {
            return noDelay(sockets.createSocket(host, port, local, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local,
                int localPort) throws IOException {
            return noDelay(sockets.createSocket(host, port, local, localPort));
        }

        private static java.net.Socket noDelay(java.net.Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws Exception;
    }

    private <T> T withRetry(String op, String bucket, String key, Call<T> call) {
        String what = key == null ? "bucket '" + bucket + "'" : "'" + bucket + "/" + key + "'";
        Exception last = null;
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            try {
                return call.run();
            } catch (StylizeException e) {
                throw e;
            } catch (Exception e) {
                if (!isTransient(e)) {
                    throw permanent(op, what, e);
                }
                last = e;
                if (attempt < retry.maxAttempts()) {
                    Duration wait = retry.backoffAfter(attempt);
                    LOG.warnf("S3 %s %s failed (attempt %d/%d, retrying in %d ms): %s", op, what, attempt,
                            retry.maxAttempts(), wait.toMillis(), describe(e));
                    try {
                        Thread.sleep(wait.toMillis());
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new StylizeException(ErrorCode.CANCELLED, "interrupted while retrying S3 " + op, ie);
                    }
                }
            }
        }
        throw new StylizeException(ErrorCode.STORAGE_UNAVAILABLE, "storage at " + settings.endpoint()
                + " unavailable: " + op + " " + what + " failed " + retry.maxAttempts() + " times, last: "
                + describe(last), last);
    }

    /** Connection faults, timeouts, truncated or unparsable answers and HTTP 5xx (and 503 SlowDown). */
    static boolean isTransient(Exception e) {
        if (e instanceof ErrorResponseException ere) {
            int status = status(ere);
            String code = ere.errorResponse() == null ? "" : ere.errorResponse().code();
            return status >= 500 || status == 408 || status == 429 || "RequestTimeout".equals(code)
                    || "SlowDown".equals(code) || "InternalError".equals(code) || "ServiceUnavailable".equals(code);
        }
        return e instanceof IOException || e instanceof ServerException || e instanceof InsufficientDataException
                || e instanceof InvalidResponseException || e instanceof XmlParserException;
    }

    private StylizeException permanent(String op, String what, Exception e) {
        if (e instanceof ErrorResponseException ere) {
            int status = status(ere);
            if (status == 404) {
                return new StylizeException(ErrorCode.OBJECT_NOT_FOUND, what + " not found", e);
            }
            if (status == 403) {
                return new StylizeException(ErrorCode.BUCKET_NOT_ALLOWED, "storage denied " + op + " of " + what
                        + " (" + describe(e) + "): check the S3 credentials and the bucket's permissions", e);
            }
            return new StylizeException(ErrorCode.INVALID_REQUEST, "storage rejected " + op + " of " + what
                    + ": " + describe(e), e);
        }
        if (e instanceof IllegalArgumentException) {
            return new StylizeException(ErrorCode.INVALID_REQUEST, "invalid S3 " + op + " of " + what + ": "
                    + e.getMessage(), e);
        }
        return new StylizeException(ErrorCode.INTERNAL, "S3 " + op + " of " + what + " failed: " + describe(e), e);
    }

    private static int status(ErrorResponseException e) {
        return e.response() == null ? -1 : e.response().code();
    }

    private static String describe(Exception e) {
        if (e instanceof ErrorResponseException ere) {
            String code = ere.errorResponse() == null ? "?" : ere.errorResponse().code();
            return "HTTP " + status(ere) + " " + code;
        }
        return e == null ? "?" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static StylizeException notFound(String bucket, String key) {
        return new StylizeException(ErrorCode.OBJECT_NOT_FOUND, "object '" + key + "' not found in bucket '"
                + bucket + "'");
    }

    private static StylizeException tooLarge(String bucket, String key, long size, long max) {
        return new StylizeException(ErrorCode.OBJECT_TOO_LARGE, "object '" + bucket + "/" + key + "' is "
                + (size >= 0 ? size + " bytes" : "larger than that") + ", over the limit of " + max + " bytes");
    }
}
