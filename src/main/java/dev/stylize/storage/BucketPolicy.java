package dev.stylize.storage;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which buckets a request may name, from a comma-separated allow-list ({@code *} allows any).
 * The worker checks every bucket of a request with {@link #check(String)} before it touches the
 * {@link ObjectStore}; the store itself does not check (it also serves the worker's own buckets).
 * Unset or blank allows nothing.
 */
public final class BucketPolicy {
    public static final String ENV = "STYLIZE_ALLOWED_BUCKETS";

    private final Set<String> allowed;
    private final boolean any;

    private BucketPolicy(Set<String> allowed, boolean any) {
        this.allowed = Set.copyOf(allowed);
        this.any = any;
    }

    /** Parses {@code "a, b,c"}; {@code "*"} (alone or among names) allows every bucket. */
    public static BucketPolicy parse(String csv) {
        Set<String> names = new LinkedHashSet<>();
        boolean any = false;
        if (csv != null) {
            for (String s : csv.split(",")) {
                String t = s.trim();
                if (t.equals("*")) {
                    any = true;
                } else if (!t.isEmpty()) {
                    names.add(t);
                }
            }
        }
        return new BucketPolicy(names, any);
    }

    /** From the environment variable {@value #ENV}. */
    public static BucketPolicy fromEnv() {
        return parse(System.getenv(ENV));
    }

    public static BucketPolicy allowAny() {
        return new BucketPolicy(Set.of(), true);
    }

    public static BucketPolicy of(String... buckets) {
        return new BucketPolicy(new LinkedHashSet<>(Arrays.asList(buckets)), false);
    }

    public boolean allows(String bucket) {
        return bucket != null && (any || allowed.contains(bucket));
    }

    public boolean allowsAny() {
        return any;
    }

    public Set<String> allowed() {
        return allowed;
    }

    /** Throws {@link ErrorCode#BUCKET_NOT_ALLOWED} naming the bucket unless it is allowed. */
    public void check(String bucket) {
        if (!allows(bucket)) {
            throw new StylizeException(ErrorCode.BUCKET_NOT_ALLOWED, "bucket '" + bucket + "' is not allowed"
                    + (allowed.isEmpty() ? " (no bucket is allowed: set " + ENV + ")"
                            : " (allowed: " + String.join(", ", allowed) + ")"));
        }
    }

    @Override
    public String toString() {
        return any ? "*" : String.join(",", allowed);
    }
}
