package dev.stylize.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.job.ResultEvent;
import dev.stylize.runtime.Sha256;
import dev.stylize.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A job's durable state, in the worker's own state bucket and keyed by job id alone, as the results
 * topic is ({@code <prefix>/<jobId>/…}):
 *
 * <ul>
 *   <li>{@code succeeded.json}: the result a success published and the fingerprint of the request that
 *       produced it. Written before that result is published and never removed by the worker, it makes
 *       results monotonic: a later delivery of the job is answered from it, a different request under the
 *       same id is a conflict.</li>
 *   <li>{@code attempts/<marker>}: one object per delivery, written before inputs are decoded, so a worker
 *       that dies mid-job (OOM, native crash, SIGKILL) still leaves its count; {@code released/<marker>}
 *       when a delivery gave the job up without crashing (shutdown, rebalance). Counting objects instead
 *       of rewriting one counter means concurrent deliveries can never lose an increment. Markers are
 *       removed once the delivery is answered (a terminal result, or a dead letter).</li>
 * </ul>
 *
 * <p>A delivery writes its marker while it reads all of it with one LIST ({@link #look}): the marker's name
 * does not depend on the state, and the count leaves the delivery's own marker out whether the LIST saw it or not.
 */
final class JobState {
    private static final String SUCCEEDED = "succeeded.json";
    private static final String ATTEMPTS = "attempts/";
    private static final String RELEASED = "released/";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What {@link #newMarker} makes: 13 digits of epoch milliseconds, '-', 12 hex digits. */
    private static final Pattern MARKER = Pattern.compile("\\d{13}-[0-9a-f]{12}");

    /** A success and the fingerprint of the request it answered. */
    record Success(String requestSha256, ResultEvent result) {}

    /**
     * This delivery's marker and what the markers say.
     *
     * @param number     the attempt number of this delivery (1 for the first)
     * @param unfinished deliveries, this one included, that neither ended with a result nor were released:
     *                   each one before this crashed its worker
     * @param markerKeys every marker object counted, this delivery's included: what {@link #clear} removes
     */
    record Attempt(String jobId, String marker, int number, int unfinished, List<String> markerKeys) {}

    private final ObjectStore store;
    private final String bucket;
    private final String prefix;

    JobState(ObjectStore store, String bucket, String prefix) {
        this.store = store;
        this.bucket = bucket;
        this.prefix = prefix.replaceAll("/+$", "");
    }

    /** Whether an object key of {@code bucket} lies in the state's key space (outputs must not). */
    boolean reserves(String otherBucket, String key) {
        return bucket.equals(otherBucket) && (prefix.isEmpty() || key.startsWith(prefix + "/"));
    }

    /** SHA-256 of what a request asks for: every field but the deadline (a later deadline is the same job). */
    static String fingerprint(JobRequest r) {
        JobRequest content = new JobRequest(r.schemaVersion(), r.jobId(), r.mode(), r.reference(), r.target(), r.mask(),
                r.prompt(), r.params(), r.output(), null);
        return Sha256.of(JobJson.write(content));
    }

    /** What one LIST of the job's keys tells. */
    record Snapshot(String jobId, boolean succeeded, Set<String> attempts, Set<String> released, List<String> markerKeys) {}

    /** The job's state in one request: whether it succeeded, and its markers. */
    Snapshot look(String jobId) {
        String base = key(jobId, "");
        List<String> keys = store.list(bucket, base);
        Set<String> attempts = names(keys, base + ATTEMPTS);
        Set<String> released = names(keys, base + RELEASED);
        released.retainAll(attempts);
        List<String> markerKeys = keys.stream().filter(k -> isMarker(k, base + ATTEMPTS) || isMarker(k, base + RELEASED))
                .toList();
        return new Snapshot(jobId, keys.contains(base + SUCCEEDED), attempts, released, markerKeys);
    }

    /** The recorded success, when {@code snapshot} saw one. */
    Optional<Success> success(Snapshot snapshot) {
        if (!snapshot.succeeded()) {
            return Optional.empty();
        }
        JsonNode node = JobJson.readTree(store.get(bucket, key(snapshot.jobId(), SUCCEEDED), 1 << 20));
        ResultEvent result = JobJson.parseResult(JobJson.write(node.get("result")));
        return Optional.of(new Success(node.get("requestSha256").asText(), result));
    }

    Optional<Success> success(String jobId) {
        return success(look(jobId));
    }

    void recordSuccess(String jobId, Success success) {
        ObjectNode node = JobJson.mapper().createObjectNode();
        node.put("requestSha256", success.requestSha256());
        node.set("result", JobJson.readTree(JobJson.write(success.result())));
        store.put(bucket, key(jobId, SUCCEEDED), JobJson.write(node), "application/json", Map.of());
    }

    /** A new delivery's marker name: sortable by time, unique. */
    static String newMarker() {
        return String.format(Locale.ROOT, "%013d-%s", System.currentTimeMillis(), randomHex());
    }

    /**
     * This delivery's attempt before its state is read: the first, its own marker the only one to clear. Enough to
     * {@link #mark} it, {@link #release} it or {@link #clear} its marker when the state never becomes known.
     */
    Attempt unread(String jobId, String marker) {
        return new Attempt(jobId, marker, 1, 1, List.of(key(jobId, ATTEMPTS + marker)));
    }

    /**
     * This delivery's attempt, counted from the markers {@code snapshot} saw besides its own (no request: see
     * {@link #mark}); the snapshot may or may not include its own, written while the state was read.
     */
    Attempt attempt(Snapshot snapshot, String marker) {
        String own = key(snapshot.jobId(), ATTEMPTS + marker);
        int earlier = snapshot.attempts().size() - (snapshot.attempts().contains(marker) ? 1 : 0);
        int number = earlier + 1;
        List<String> keys = new java.util.ArrayList<>(snapshot.markerKeys());
        keys.remove(own);
        keys.add(own);
        return new Attempt(snapshot.jobId(), marker, number, number - snapshot.released().size(), List.copyOf(keys));
    }

    /**
     * Writes the attempt's marker (idempotent: a retry writes the same object). Deliveries running at once
     * may each count only the markers before theirs, but every later delivery counts them all.
     */
    void mark(Attempt attempt) {
        putMarker(attempt, ATTEMPTS);
    }

    /** This delivery gave the job up without crashing: it must not count against the attempt cap. */
    void release(Attempt attempt) {
        putMarker(attempt, RELEASED);
    }

    private void putMarker(Attempt attempt, String folder) {
        store.put(bucket, key(attempt.jobId(), folder + attempt.marker()), "{}".getBytes(StandardCharsets.UTF_8),
                "application/json", Map.of());
    }

    /**
     * Removes the markers this delivery counted, in one request, once the job's terminal result is out (a
     * marker written meanwhile by a concurrent delivery stays: it only counts once more).
     */
    void clear(Attempt attempt) {
        store.delete(bucket, attempt.markerKeys());
    }

    private String key(String jobId, String name) {
        return (prefix.isEmpty() ? "" : prefix + "/") + jobId + "/" + name;
    }

    /**
     * The marker names under {@code under}. Only names {@link #newMarker} makes count: a server that stores objects
     * as files may list a write still in progress under a name of its own (S3Proxy's filesystem store shows
     * {@code <marker>-<uuid>} while it writes {@code <marker>}), and a delivery's LIST runs while its marker is written.
     */
    private static Set<String> names(List<String> keys, String under) {
        return keys.stream().filter(k -> isMarker(k, under)).map(k -> k.substring(under.length()))
                .collect(Collectors.toSet());
    }

    private static boolean isMarker(String key, String under) {
        return key.startsWith(under) && MARKER.matcher(key).region(under.length(), key.length()).matches();
    }

    private static String randomHex() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
