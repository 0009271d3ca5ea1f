package dev.stylize.job;

import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.JobRequest.OutputSpec;
import dev.stylize.job.JobRequest.ReferenceRef;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything a typed {@link JobRequest} must satisfy before any work starts. The first problem found is
 * thrown as a {@link StylizeException} whose message starts with the field's path ({@code params.steps},
 * {@code reference[1].key}, …). Parameter ranges are {@link ParamResolver}'s: this class asks it rather than
 * repeating its bounds.
 *
 * <ul>
 *   <li>INVALID_REQUEST: a missing or blank required field, a bad jobId, an output prefix that is absolute or
 *       contains "..", a target in variation mode or a missing one in the others, a missing inpaint mask or a
 *       mask in a mode that does not use one, an oversized prompt;</li>
 *   <li>PARAM_OUT_OF_RANGE: parameters, reference count, weights and whole-sequence scales (ParamResolver's
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
    /** A ParamResolver message that ends by naming its field: "… (params.outpaint)". */
    private static final Pattern FIELD_IN_PARENS = Pattern.compile("^(.*?) ?\\((params\\.[A-Za-z.]+)\\)$");

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
        checkParams(mode, r.jobParams());
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
        rethrow(() -> ParamResolver.checkReferences(refs.stream().map(ReferenceRef::weightOrDefault).toList()),
                msg -> msg.startsWith("reference") ? msg : "reference: " + msg);
    }

    private static void checkObject(ObjectRef ref, String path) {
        nonBlank(ref.bucket(), path + ".bucket");
        nonBlank(ref.key(), path + ".key");
    }

    /**
     * Each parameter alone through {@link ParamResolver} (so a message names exactly one field), then all of
     * them together for the rules that span fields (outpaint needs a margin).
     */
    private static void checkParams(Mode mode, JobParams p) {
        probe("steps", p.steps() == null ? null : only(p.steps(), null, null, null, null, null));
        probe("guidance", p.guidance() == null ? null : only(null, p.guidance(), null, null, null, null));
        probe("strength", p.strength() == null ? null : only(null, null, p.strength(), null, null, null));
        probe("reduxStrength", p.reduxStrength() == null ? null : only(null, null, null, p.reduxStrength(), null, null));
        probe("reduxDownsample", p.reduxDownsample() == null ? null
                : only(null, null, null, null, p.reduxDownsample(), null));
        probe("previewEvery", p.previewEvery() == null ? null : only(null, null, null, null, null, p.previewEvery()));
        Margins m = p.outpaint();
        if (m != null) {
            probeMargin("left", new Margins(m.left(), 0, 0, 0));
            probeMargin("right", new Margins(0, m.right(), 0, 0));
            probeMargin("top", new Margins(0, 0, m.top(), 0));
            probeMargin("bottom", new Margins(0, 0, 0, m.bottom()));
        }
        rethrow(() -> ParamResolver.resolve(mode, p, false, 0L), RequestValidator::leadWithField);
    }

    /** "outpaint needs … (params.outpaint)" → "params.outpaint: outpaint needs …"; others get "params: ". */
    private static String leadWithField(String msg) {
        if (msg.startsWith("params.")) {
            return msg;
        }
        Matcher m = FIELD_IN_PARENS.matcher(msg);
        return m.matches() ? m.group(2) + ": " + m.group(1) : "params: " + msg;
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

    // ---- ParamResolver probes ----------------------------------------------------------------------------

    /**
     * PARAM_OUT_OF_RANGE for an integer parameter too large for 32 bits: ParamResolver's message for the
     * saturated value, showing the value as sent.
     *
     * @param name the path below {@code params} ("steps", "outpaint.left")
     */
    static StylizeException outOfRange(String name, int saturated, String literal) {
        StylizeException e;
        if (name.startsWith("outpaint.")) {
            e = probeMarginException(name.substring("outpaint.".length()), new Margins(saturated, 0, 0, 0));
        } else {
            JobParams p = switch (name) {
                case "steps" -> only(saturated, null, null, null, null, null);
                case "reduxDownsample" -> only(null, null, null, null, saturated, null);
                case "previewEvery" -> only(null, null, null, null, null, saturated);
                default -> throw new IllegalArgumentException(name);
            };
            e = probeException(name, p);
        }
        String msg = e.getMessage();
        int got = msg.lastIndexOf(", got ");
        return new StylizeException(e.code(), (got < 0 ? msg : msg.substring(0, got)) + ", got " + literal);
    }

    private static JobParams only(Integer steps, Double guidance, Double strength, Double reduxStrength,
            Integer reduxDownsample, Integer previewEvery) {
        return new JobParams(steps, guidance, null, strength, reduxStrength, reduxDownsample, null, null, null,
                previewEvery, null);
    }

    private static void probe(String name, JobParams p) {
        if (p != null) {
            StylizeException e = probeException(name, p);
            if (e != null) {
                throw e;
            }
        }
    }

    private static StylizeException probeException(String name, JobParams p) {
        try {
            ParamResolver.resolve(Mode.COMPOSITE, p, false, 0L);
            return null;
        } catch (StylizeException e) {
            String msg = e.getMessage();
            return new StylizeException(e.code(), msg.startsWith(name + " ") ? "params." + msg
                    : "params." + name + ": " + msg);
        }
    }

    private static void probeMargin(String side, Margins m) {
        StylizeException e = probeMarginException(side, m);
        if (e != null) {
            throw e;
        }
    }

    private static StylizeException probeMarginException(String side, Margins m) {
        try {
            ParamResolver.resolve(Mode.COMPOSITE, new JobParams(null, null, null, null, null, null, null, null, null, null, m), false, 0L);
            return null;
        } catch (StylizeException e) {
            String msg = e.getMessage();
            String generic = "outpaint margin";
            return new StylizeException(e.code(), "params.outpaint." + side
                    + (msg.startsWith(generic) ? msg.substring(generic.length()) : ": " + msg));
        }
    }

    private static void rethrow(Runnable check, Function<String, String> rewrite) {
        try {
            check.run();
        } catch (StylizeException e) {
            throw new StylizeException(e.code(), rewrite.apply(e.getMessage()), e);
        }
    }

    private static StylizeException invalid(String message) {
        return new StylizeException(ErrorCode.INVALID_REQUEST, message);
    }
}
