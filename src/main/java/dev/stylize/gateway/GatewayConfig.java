package dev.stylize.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP gateway's settings ({@code stylize.gateway.*}, e.g. STYLIZE_GATEWAY_API_KEYS). Body size and CORS
 * are Quarkus' own keys ({@code quarkus.http.limits.max-body-size}, {@code quarkus.http.cors.*}): README
 * "Over HTTP".
 */
@ConfigMapping(prefix = "stylize.gateway")
public interface GatewayConfig {
    /**
     * Accepted keys, as {@code X-API-Key: <key>} or {@code Authorization: Bearer <key>}; absent or empty: no
     * check (dev). Secrets: never logged.
     */
    Optional<List<String>> apiKeys();

    /** SSE streams held at once; one more is refused with 503. */
    @WithDefault("2000")
    int maxSubscribers();

    /** Events sent to a subscriber and not yet written to its socket; one more closes that stream. */
    @WithDefault("64")
    int subscriberBuffer();

    /** Jobs whose latest state is held in memory (least recently used first out, never one being watched). */
    @WithDefault("10000")
    int maxJobs();

    /** Progress events kept per job for Last-Event-ID resumption. */
    @WithDefault("32")
    int historyPerJob();

    /** An SSE comment this often keeps idle streams open through proxies and finds closed ones. */
    @WithDefault("PT15S")
    Duration heartbeat();

    /** Longest wait to read a job's partitions when its state is not in memory (GET, late subscribers). */
    @WithDefault("PT10S")
    Duration lookupTimeout();

    /** How often the reader lists the topics' partitions again, to follow partitions added to them. */
    @WithDefault("PT30S")
    Duration partitionRefresh();

    /**
     * Job submissions ({@code POST /v1/jobs}) per second per API key (all callers together when no key is set);
     * absent = no limit. Beyond it: 429 {@code RATE_LIMITED} with {@code Retry-After}.
     */
    Optional<Double> submitRate();

    /** Submissions a caller may make at once before {@code submit-rate} applies. */
    @WithDefault("20")
    int submitBurst();

    /** Where multipart uploads go, under their content key (the terminal client's layout). */
    @WithDefault("stylize")
    String uploadBucket();

    @WithDefault("inputs/")
    String uploadPrefix();
}
