package dev.stylize.job;

import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.JobRequest.OutputSpec;
import dev.stylize.job.JobRequest.ReferenceRef;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything a typed {@link JobRequest} must satisfy before any work starts. The first problem found is
 * thrown as a {@link StylizeException} whose message starts with the field's path ({@code params.steps},
 * {@code reference[1].key}, …). Parameters are checked by {@link ParamResolver} against {@link ParamTable}, in
 * one pass whose messages already carry the JSON path.
 *
 * <ul>
 *   <li>INVALID_REQUEST: a missing or blank required field, a bad jobId, an output prefix that is absolute or
 *       contains "..", a target in variation mode or a missing one in the others, a missing inpaint mask or a
 *       mask in a mode that does not use one, an oversized prompt;</li>
 *   <li>PARAM_OUT_OF_RANGE: parameters, reference count, weights and whole-sequence scales (ParamTable's
 *       ranges; a scale other than 1 needs referenceBlend sum_conditioning);</li>
 * </ul>
 */
public final class RequestValidator {
    /** The wire pattern of a job id. Ids made of dots only ("." and "..") are refused as well. */
    public static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** Longest prompt, in Unicode code points (the text encoder reads far fewer tokens than this). */
    public static final int MAX_PROMPT_CODE_POINTS = 10_000;

    /** "Has a non-space character", the schema's definition of non-blank ({@code "pattern": "\\S"}). */
    private static final Pattern NON_BLANK = Pattern.compile("\\S");
    private static final Pattern DOTS_ONLY = Pattern.compile("\\.+");

    private RequestValidator() {}

    public static void validate(JobRequest r) {
        if (r.schemaVersion() != JobRequest.SCHEMA_VERSION) {
            throw new StylizeException(ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion " + r.schemaVersion()
                    + " is not supported; this worker reads request schemaVersion " + JobRequest.SCHEMA_VERSION);
        }
        checkJobId(r.jobId());
        Mode mode = r.mode();
        if (mode == null) {
            throw invalid("mode is required (composite, restyle, variation, inpaint, outpaint)");
        }
        checkReferences(r.reference());
        if (mode.needsTarget()) {
            if (r.target() == null) {
                throw invalid("target is required for " + mode.wireName() + " mode");
            }
            checkObject(r.target(), "target");
        } else if (r.target() != null) {
            throw invalid("target is not used by " + mode.wireName() + " mode; leave it out");
        }
        if (r.mask() != null) {
            if (mode != Mode.COMPOSITE && mode != Mode.INPAINT) {
                throw invalid("mask is not used by " + mode.wireName() + " mode; leave it out"
                        + (mode == Mode.OUTPAINT ? " (params.outpaint sets the generated area)" : ""));
            }
            checkObject(r.mask(), "mask");
        } else if (mode == Mode.INPAINT) {
            throw invalid("mask is required for inpaint mode");
        }
        if (r.prompt() != null) {
            int n = r.prompt().codePointCount(0, r.prompt().length());
            if (n > MAX_PROMPT_CODE_POINTS) {
                throw invalid("prompt must be at most " + MAX_PROMPT_CODE_POINTS + " characters, got " + n);
            }
        }
        // The dev transformer's presence changes defaults only, never a range: any answer checks the same.
        ParamResolver.resolve(mode, r.jobParams(), false, 0L);
        ParamResolver.checkEmbedsScales(r.reference().stream().map(ReferenceRef::promptEmbedsScale).toList(),
                r.reference().stream().map(ReferenceRef::pooledPromptEmbedsScale).toList(),
                r.jobParams().referenceBlend());
        checkOutput(r.output());
    }

    static void checkJobId(String jobId) {
        if (jobId == null) {
            throw invalid("jobId is required");
        }
        if (!JOB_ID.matcher(jobId).matches() || DOTS_ONLY.matcher(jobId).matches()) {
            throw invalid("jobId must be 1 to 128 characters of A-Z a-z 0-9 . _ - (not dots only), got "
                    + RequestReader.quote(jobId));
        }
    }

    private static void checkReferences(List<ReferenceRef> refs) {
        if (refs.isEmpty()) {
            throw invalid("reference is required: at least one reference image");
        }
        for (int i = 0; i < refs.size(); i++) {
            ReferenceRef ref = refs.get(i);
            String path = "reference[" + i + "]";
            checkObject(ref.image(), path);
            if (ref.mask() != null) {
                checkObject(ref.mask(), path + ".mask");
            }
        }
        ParamResolver.checkReferences(refs.stream().map(ReferenceRef::weightOrDefault).toList());
    }

    private static void checkObject(ObjectRef ref, String path) {
        nonBlank(ref.bucket(), path + ".bucket");
        nonBlank(ref.key(), path + ".key");
    }

    private static void checkOutput(OutputSpec out) {
        if (out == null) {
            throw invalid("output is required (output.bucket at least)");
        }
        nonBlank(out.bucket(), "output.bucket");
        String prefix = out.prefix();
        if (prefix.startsWith("/") || prefix.contains("..")) {
            throw invalid("output.prefix must be relative: no leading '/' and no '..', got "
                    + RequestReader.quote(prefix));
        }
    }

    private static void nonBlank(String value, String path) {
        if (value == null) {
            throw invalid(path + " is required");
        }
        if (!NON_BLANK.matcher(value).find()) {
            throw invalid(path + " must not be blank");
        }
    }

    private static StylizeException invalid(String message) {
        return new StylizeException(ErrorCode.INVALID_REQUEST, message);
    }
}
