package dev.stylize.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.JobRequest.OutputSpec;
import dev.stylize.job.JobRequest.ReferenceRef;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * JSON tree → {@link JobRequest}, field by field with the field's path in every message. It checks JSON types
 * (INVALID_JSON), the schema version and the enum words (UNKNOWN_MODE, PARAM_OUT_OF_RANGE, words from
 * {@link ParamTable}); what a typed request still needs (required fields, ranges) is {@link RequestValidator}'s,
 * except a number too large for the Java type, which is out of its table range here. Unknown fields are skipped; an
 * explicit null is the same as an absent field.
 */
final class RequestReader {
    /** ISO-8601 instant with an offset, as the schema's {@code deadline} pattern states it. */
    static final Pattern INSTANT = Pattern.compile(
            "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
            + "(\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$");

    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    private RequestReader() {}

    static JobRequest read(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw invalid("the request must be a JSON object, got " + kind(root));
        }
        checkSchemaVersion(root, "request");
        return new JobRequest(
                JobRequest.SCHEMA_VERSION,
                string(root, "jobId", "jobId"),
                mode(root),
                references(root),
                objectRef(root, "target", "target"),
                objectRef(root, "mask", "mask"),
                string(root, "prompt", "prompt"),
                params(root),
                output(root),
                deadline(root));
    }

    /** Missing, or not 1: SCHEMA_VERSION_UNSUPPORTED; not an integer: INVALID_JSON. */
    static void checkSchemaVersion(JsonNode root, String what) {
        JsonNode v = present(root, "schemaVersion");
        if (v == null) {
            throw new StylizeException(ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion is missing; this worker reads "
                    + what + " schemaVersion " + JobRequest.SCHEMA_VERSION);
        }
        if (!v.isNumber()) {
            throw typeError("schemaVersion", "an integer", v);
        }
        // Any number but 1 (1.5 and 1e400 included) names a version this worker does not read.
        if (!isInteger(v) || integerValue(v).compareTo(BigInteger.valueOf(JobRequest.SCHEMA_VERSION)) != 0) {
            throw new StylizeException(ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion " + literal(v)
                    + " is not supported; this worker reads " + what + " schemaVersion " + JobRequest.SCHEMA_VERSION);
        }
    }

    private static Mode mode(JsonNode root) {
        String s = string(root, "mode", "mode");
        if (s == null) {
            return null;
        }
        for (Mode m : Mode.values()) {
            if (m.wireName().equals(s)) {
                return m;
            }
        }
        throw new StylizeException(ErrorCode.UNKNOWN_MODE,
                "mode must be one of composite, restyle, variation, inpaint, outpaint, got " + quote(s));
    }

    private static List<ReferenceRef> references(JsonNode root) {
        JsonNode arr = present(root, "reference");
        if (arr == null) {
            return List.of();
        }
        if (!arr.isArray()) {
            throw typeError("reference", "an array", arr);
        }
        List<ReferenceRef> refs = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String path = "reference[" + i + "]";
            JsonNode r = arr.get(i);
            if (!r.isObject()) {
                throw typeError(path, "an object", r);
            }
            refs.add(new ReferenceRef(string(r, "bucket", path + ".bucket"), string(r, "key", path + ".key"),
                    number(r, "weight", path + ".weight"), objectRef(r, "mask", path + ".mask"),
                    number(r, "promptEmbedsScale", path + ".promptEmbedsScale"),
                    number(r, "pooledPromptEmbedsScale", path + ".pooledPromptEmbedsScale")));
        }
        return refs;
    }

    private static ObjectRef objectRef(JsonNode parent, String name, String path) {
        JsonNode o = object(parent, name, path);
        return o == null ? null : new ObjectRef(string(o, "bucket", path + ".bucket"), string(o, "key", path + ".key"));
    }

    private static JobParams params(JsonNode root) {
        JsonNode p = object(root, "params", "params");
        if (p == null) {
            return null;
        }
        JsonNode m = object(p, ParamTable.OUTPAINT_MARGIN.name(), ParamTable.OUTPAINT_MARGIN.path());
        Margins margins = m == null ? null : new Margins(margin(m, "left"), margin(m, "right"), margin(m, "top"),
                margin(m, "bottom"));
        return new JobParams(
                int32(p, ParamTable.STEPS),
                number(p, "guidance", ParamTable.GUIDANCE.path()),
                seed(p),
                number(p, "strength", ParamTable.STRENGTH.path()),
                number(p, "reduxStrength", ParamTable.REDUX_STRENGTH.path()),
                int32(p, ParamTable.REDUX_DOWNSAMPLE),
                word(p, ParamTable.REFERENCE_BLEND),
                word(p, ParamTable.LAYOUT),
                bool(p, "pasteBack", ParamTable.PASTE_BACK.path()),
                int32(p, ParamTable.PREVIEW_EVERY),
                margins,
                word(p, ParamTable.POSTERIOR));
    }

    private static OutputSpec output(JsonNode root) {
        JsonNode o = object(root, "output", "output");
        if (o == null) {
            return null;
        }
        return new OutputSpec(string(o, "bucket", "output.bucket"), string(o, "prefix", "output.prefix"),
                word(o, ParamTable.OUTPUT_FORMAT));
    }

    private static Instant deadline(JsonNode root) {
        String s = string(root, "deadline", "deadline");
        if (s == null) {
            return null;
        }
        if (INSTANT.matcher(s).matches()) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                // falls through: a well-formed string naming no instant (month 13, …)
            }
        }
        throw new StylizeException(ErrorCode.INVALID_REQUEST,
                "deadline must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, got " + quote(s));
    }

    // ---- typed field access ------------------------------------------------------------------------------

    /** The field, or null when absent or JSON null. */
    private static JsonNode present(JsonNode parent, String name) {
        JsonNode v = parent.get(name);
        return v == null || v.isNull() ? null : v;
    }

    private static JsonNode object(JsonNode parent, String name, String path) {
        JsonNode v = present(parent, name);
        if (v != null && !v.isObject()) {
            throw typeError(path, "an object", v);
        }
        return v;
    }

    private static String string(JsonNode parent, String name, String path) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw typeError(path, "a string", v);
        }
        return v.textValue();
    }

    private static Boolean bool(JsonNode parent, String name, String path) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw typeError(path, "a boolean", v);
        }
        return v.booleanValue();
    }

    private static Double number(JsonNode parent, String name, String path) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw typeError(path, "a number", v);
        }
        return v.doubleValue();
    }

    /** An integer parameter; one beyond 32 bits is out of its table range, shown as sent. */
    private static Integer int32(JsonNode params, ParamTable.Param<Integer> row) {
        return int32(params, row.name(), row, row.path());
    }

    /** An absent side is 0: the margins object stands for all four. */
    private static int margin(JsonNode outpaint, String side) {
        Integer v = int32(outpaint, side, ParamTable.OUTPAINT_MARGIN, ParamTable.OUTPAINT_MARGIN.path(side));
        return v == null ? 0 : v;
    }

    private static Integer int32(JsonNode parent, String name, ParamTable.Param<Integer> row, String path) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return null;
        }
        if (!isInteger(v)) {
            throw typeError(path, "an integer", v);
        }
        BigInteger b = integerValue(v);
        if (b.compareTo(INT_MIN) < 0 || b.compareTo(INT_MAX) > 0) {
            // Every int range lies well inside 32 bits, so a value beyond them is out of range, not unreadable.
            throw row.outOfRange(path, literal(v));
        }
        return b.intValue();
    }

    private static Long seed(JsonNode params) {
        ParamTable.Param<Long> row = ParamTable.SEED;
        JsonNode v = present(params, row.name());
        if (v == null) {
            return null;
        }
        if (!isInteger(v)) {
            throw typeError(row.path(), "an integer", v);
        }
        BigInteger b = integerValue(v);
        if (b.bitLength() > 63) {
            throw row.outOfRange(row.path(), literal(v));
        }
        return b.longValue();
    }

    /** A WORD row's value: its exact lowercase wire word, or PARAM_OUT_OF_RANGE listing the words. */
    private static <E> E word(JsonNode parent, ParamTable.Param<E> row) {
        String s = string(parent, row.name(), row.path());
        return s == null ? null : row.word(s, null);
    }

    /**
     * An integer as JSON Schema counts them: any number with no fractional part (28 and 28.0 alike). A
     * literal beyond the double range (1e400) is one too: the parser holds it as infinity, and no such
     * literal a JSON document can carry has a fraction that large.
     */
    static boolean isInteger(JsonNode v) {
        if (v.isIntegralNumber()) {
            return true;
        }
        if (v.isFloatingPointNumber()) {
            double d = v.doubleValue();
            return Double.isInfinite(d) || v.decimalValue().stripTrailingZeros().scale() <= 0;
        }
        return false;
    }

    /** The value of an {@link #isInteger} node; beyond the double range, ±10^400 (out of every range). */
    private static BigInteger integerValue(JsonNode v) {
        double d = v.doubleValue();
        if (v.isFloatingPointNumber() && Double.isInfinite(d)) {
            BigInteger huge = BigInteger.TEN.pow(400);
            return d < 0 ? huge.negate() : huge;
        }
        return v.bigIntegerValue();
    }

    /** A number as a message shows it: the integer, or a bound for one beyond the double range. */
    private static String literal(JsonNode v) {
        double d = v.doubleValue();
        if (v.isFloatingPointNumber() && Double.isInfinite(d)) {
            return d < 0 ? "a number below -1.8e308" : "a number above 1.8e308";
        }
        return isInteger(v) ? v.bigIntegerValue().toString() : v.asText();
    }

    static StylizeException typeError(String path, String expected, JsonNode got) {
        return invalid(path + " must be " + expected + ", got " + kind(got));
    }

    static StylizeException invalid(String message) {
        return new StylizeException(ErrorCode.INVALID_JSON, message);
    }

    static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> v.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    /** A user string for a message: quoted, at most 64 characters. */
    static String quote(String s) {
        return "'" + ErrorInfo.truncate(s, 64) + "'";
    }
}
