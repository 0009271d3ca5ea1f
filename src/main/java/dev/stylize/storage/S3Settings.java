package dev.stylize.storage;

import java.util.Map;

/**
 * Where the object store is and how to sign for it.
 *
 * @param endpoint URL the worker reaches S3 at, e.g. {@code http://127.0.0.1:9000}
 * @param publicEndpoint nullable: the URL clients reach S3 at, when it differs (another host name,
 *     a proxy); presigned URLs are signed for this host, since the host is part of the signature
 * @param accessKey access key id
 * @param secretKey secret key (never printed by {@link #toString()})
 * @param region signing region; {@code us-east-1} when null or blank. Always set explicitly so the
 *     client never asks the server for a bucket's region.
 */
public record S3Settings(String endpoint, String publicEndpoint, String accessKey, String secretKey, String region) {
    public static final String DEFAULT_REGION = "us-east-1";

    public S3Settings {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("S3 endpoint is required");
        }
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("S3 access key and secret key are required");
        }
        if (publicEndpoint != null && publicEndpoint.isBlank()) {
            publicEndpoint = null;
        }
        if (region == null || region.isBlank()) {
            region = DEFAULT_REGION;
        }
    }

    public S3Settings(String endpoint, String accessKey, String secretKey) {
        this(endpoint, null, accessKey, secretKey, DEFAULT_REGION);
    }

    /**
     * From {@code S3_ENDPOINT}, {@code S3_PUBLIC_ENDPOINT} (optional), {@code S3_ACCESS_KEY},
     * {@code S3_SECRET_KEY}, {@code S3_REGION} (optional), as printed by the {@code stack} command.
     */
    public static S3Settings fromEnv(Map<String, String> env) {
        return new S3Settings(env.get("S3_ENDPOINT"), env.get("S3_PUBLIC_ENDPOINT"), env.get("S3_ACCESS_KEY"),
                env.get("S3_SECRET_KEY"), env.get("S3_REGION"));
    }

    public S3Settings withSecretKey(String otherSecret) {
        return new S3Settings(endpoint, publicEndpoint, accessKey, otherSecret, region);
    }

    public S3Settings withPublicEndpoint(String otherPublicEndpoint) {
        return new S3Settings(endpoint, otherPublicEndpoint, accessKey, secretKey, region);
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", publicEndpoint=" + publicEndpoint + ", accessKey=" + accessKey
                + ", secretKey=***, region=" + region + "]";
    }
}
