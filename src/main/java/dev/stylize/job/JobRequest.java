package dev.stylize.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A stylize request, schema version 1 (docs/message-contract.md). Built by {@link JobJson#parseRequest}, which
 * also runs {@link RequestValidator}; the constructor itself only copies, so an invalid request can still be
 * represented (and reported). Optional fields are null when absent.
 *
 * @param reference never null (empty when absent)
 * @param target    null for variation
 * @param mask      mask over the target; required for inpaint, only allowed for composite and inpaint
 * @param params    null means every parameter takes its mode default
 * @param deadline  null for none; a job not finished by then ends EXPIRED
 */
public record JobRequest(
        int schemaVersion,
        String jobId,
        Mode mode,
        List<ReferenceRef> reference,
        ObjectRef target,
        ObjectRef mask,
        String prompt,
        JobParams params,
        OutputSpec output,
        Instant deadline) {

    /** The schema version this build reads and writes. */
    public static final int SCHEMA_VERSION = 1;

    public JobRequest {
        reference = reference == null ? List.of() : List.copyOf(reference);
    }

    /** The parameters as {@link ParamResolver} takes them (all null when {@code params} is absent). */
    public JobParams jobParams() {
        return params == null ? JobParams.defaults() : params;
    }

    /** Each reference's weight, its default where absent, in reference order. */
    public List<Double> referenceWeights() {
        List<Double> weights = new ArrayList<>(reference.size());
        for (ReferenceRef r : reference) {
            weights.add(r.weightOrDefault());
        }
        return weights;
    }

    /** Like the record's, but the prompt shows as its length and first characters only. */
    @Override
    public String toString() {
        return "JobRequest[schemaVersion=" + schemaVersion + ", jobId=" + jobId + ", mode=" + mode
                + ", reference=" + reference + ", target=" + target + ", mask=" + mask
                + ", prompt=" + abbreviate(prompt) + ", params=" + params + ", output=" + output
                + ", deadline=" + deadline + "]";
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        int max = 40;
        if (s.length() <= max) {
            return '"' + s + '"';
        }
        return s.length() + " chars \"" + ErrorInfo.truncate(s, max) + '"';
    }

    /** An object in a bucket of the object store. */
    public record ObjectRef(String bucket, String key) {}

    /**
     * A reference image with its weight (null = default), an optional mask restricting which of its Redux
     * tokens are kept, and its diffusers whole-sequence scales (null = {@link ParamTable}'s; only with
     * {@code referenceBlend sum_conditioning}).
     */
    public record ReferenceRef(String bucket, String key, Double weight, ObjectRef mask, Double promptEmbedsScale,
            Double pooledPromptEmbedsScale) {
        public ReferenceRef(String bucket, String key, Double weight, ObjectRef mask) {
            this(bucket, key, weight, mask, null, null);
        }

        public ObjectRef image() {
            return new ObjectRef(bucket, key);
        }

        public double weightOrDefault() {
            return weight == null ? ParamTable.WEIGHT.defaultValue().fixed() : weight;
        }

        public double promptEmbedsScaleOrDefault() {
            return promptEmbedsScale == null ? ParamTable.PROMPT_EMBEDS_SCALE.defaultValue().fixed() : promptEmbedsScale;
        }

        public double pooledPromptEmbedsScaleOrDefault() {
            return pooledPromptEmbedsScale == null ? ParamTable.POOLED_PROMPT_EMBEDS_SCALE.defaultValue().fixed()
                    : pooledPromptEmbedsScale;
        }
    }

    /**
     * Where outputs go: {@code bucket}, a key {@code prefix} (relative: no leading '/', no ".."; "" when absent)
     * and the image {@code format} (its default when absent).
     */
    public record OutputSpec(String bucket, String prefix, OutputFormat format) {
        public OutputSpec {
            prefix = prefix == null ? "" : prefix;
            format = format == null ? ParamTable.OUTPUT_FORMAT.defaultValue().fixed() : format;
        }
    }
}
