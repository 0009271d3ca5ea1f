package dev.stylize.client;

import dev.stylize.storage.S3Settings;
import java.util.Map;

/**
 * Where a terminal client finds the broker and the object store: the environment {@code serve} reads
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}),
 * with application.properties' defaults, so the lines {@code stack} prints configure both.
 */
public record ClientSettings(String bootstrapServers, Map<String, String> env) {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final String DEFAULT_S3_ENDPOINT = "http://127.0.0.1:9000";

    public static ClientSettings fromEnv(Map<String, String> env) {
        String bootstrap = env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP);
        return new ClientSettings(bootstrap.isBlank() ? DEFAULT_BOOTSTRAP : bootstrap, Map.copyOf(env));
    }

    /** The S3 settings; asked for only by commands that touch the store (status and cancel need none). */
    public S3Settings s3() {
        String endpoint = env.getOrDefault("S3_ENDPOINT", "");
        return new S3Settings(endpoint.isBlank() ? DEFAULT_S3_ENDPOINT : endpoint, env.get("S3_PUBLIC_ENDPOINT"),
                env.get("S3_ACCESS_KEY"), env.get("S3_SECRET_KEY"), env.get("S3_REGION"));
    }

    /** Without the environment: it holds the S3 secret. */
    @Override
    public String toString() {
        return "ClientSettings[bootstrapServers=" + bootstrapServers + "]";
    }
}
