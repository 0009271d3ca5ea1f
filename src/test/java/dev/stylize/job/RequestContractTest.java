package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of requests, each checked against both the parser/validator ({@link JobJson#parseRequest}) and
 * the request JSON Schema: what the parser accepts the schema accepts; what the parser rejects the schema
 * rejects too, except the few rules a schema cannot state (marked {@code schemaCannot}, with the reason).
 */
class RequestContractTest {

    /** How the schema must judge a case. */
    /** NOT_READABLE: the JSON Schema validator itself fails on the input (networknt's const on 1e400). */
    enum SchemaVerdict { ACCEPT, REJECT, NOT_JSON, NOT_READABLE }

    record Case(String name, byte[] json, ErrorCode code, String message, SchemaVerdict schema, String why) {
        @Override
        public String toString() {
            return name;
        }
    }

    // ---- the table ----------------------------------------------------------------------------------------

    static List<Case> cases() {
        List<Case> t = new ArrayList<>();
        // valid
        for (Mode m : Mode.values()) {
            t.add(ok("minimal " + m.wireName(), minimal(m)));
        }
        t.add(ok("full request", full()));
        t.add(ok("unknown fields everywhere", edit(full(), "extra", "{\"a\":[1,2]}", "reference[0].tint", "\"red\"",
                "reference[0].mask.version", "3", "target.etag", "\"x\"", "params.sampler", "\"euler\"",
                "params.outpaint.feather", "8", "output.acl", "\"private\"")));
        t.add(ok("explicit nulls = absent", edit(minimal(Mode.VARIATION), "target", "null", "mask", "null",
                "prompt", "null", "deadline", "null", "params", "{\"steps\":null,\"seed\":null,\"layout\":null,"
                        + "\"outpaint\":null,\"pasteBack\":null}", "reference[0].weight", "null",
                "reference[0].mask", "null", "output.prefix", "null", "output.format", "null")));
        t.add(ok("params null", edit(minimal(Mode.COMPOSITE), "params", "null")));
        t.add(ok("integral float 28.0 is an integer", edit(minimal(Mode.COMPOSITE), "params.steps", "28.0")));
        t.add(ok("schemaVersion 1.0", edit(minimal(Mode.COMPOSITE), "schemaVersion", "1.0")));
        t.add(ok("steps bounds 1", edit(minimal(Mode.COMPOSITE), "params.steps", "1")));
        t.add(ok("steps bounds 200", edit(minimal(Mode.COMPOSITE), "params.steps", "200")));
        t.add(ok("strength 1 and guidance 0", edit(minimal(Mode.RESTYLE), "params.strength", "1",
                "params.guidance", "0")));
        t.add(ok("tiny strength", edit(minimal(Mode.RESTYLE), "params.strength", "1e-9")));
        t.add(ok("redux bounds", edit(minimal(Mode.COMPOSITE), "params.reduxStrength", "10",
                "params.reduxDownsample", "9", "params.previewEvery", "200")));
        t.add(ok("weights 0 and 10, four references", edit(minimal(Mode.COMPOSITE), "reference",
                "[" + ref("0") + "," + ref("10") + "," + ref("1.5") + "," + ref("null") + "]")));
        t.add(ok("margin 4096", edit(minimal(Mode.OUTPAINT), "params.outpaint", "{\"bottom\":4096}")));
        t.add(ok("negative seed", edit(minimal(Mode.COMPOSITE), "params.seed", "-1")));
        t.add(ok("largest seed", edit(minimal(Mode.COMPOSITE), "params.seed", "9223372036854775807")));
        t.add(ok("deadline with offset and fraction", edit(minimal(Mode.COMPOSITE), "deadline",
                "\"2026-01-01T02:00:00.123456789+02:00\"")));
        t.add(ok("jpeg with nested prefix", edit(minimal(Mode.COMPOSITE), "output",
                "{\"bucket\":\"out\",\"prefix\":\"a/b.c/\",\"format\":\"jpeg\"}")));
        t.add(ok("jobId of 128 chars with . _ -", edit(minimal(Mode.COMPOSITE), "jobId",
                "\"" + "a.b_c-".repeat(21) + "xy\"")));
        t.add(ok("composite with mask", edit(minimal(Mode.COMPOSITE), "mask", obj("in", "m.png"))));
        t.add(ok("prompt of 10000 code points", edit(minimal(Mode.COMPOSITE), "prompt",
                "\"" + "\uD83C\uDFA8".repeat(10_000) + "\"")));

        // not JSON / not an object
        t.add(raw("not JSON", "{\"schemaVersion\": 1,", ErrorCode.INVALID_JSON, "line 1", SchemaVerdict.NOT_JSON));
        t.add(raw("empty message", "", ErrorCode.INVALID_JSON, "empty", SchemaVerdict.NOT_JSON));
        t.add(raw("trailing content", json(minimal(Mode.COMPOSITE)) + " {}", ErrorCode.INVALID_JSON, "not valid JSON",
                SchemaVerdict.NOT_JSON));
        t.add(raw("duplicate key", "{\"schemaVersion\":1,\"schemaVersion\":1}", ErrorCode.INVALID_JSON,
                "schemaVersion", SchemaVerdict.NOT_JSON));
        t.add(raw("NaN", "{\"p\":NaN," + json(minimal(Mode.COMPOSITE)).substring(1),
                ErrorCode.INVALID_JSON, "NaN", SchemaVerdict.NOT_JSON));
        t.add(raw("array root", "[" + json(minimal(Mode.COMPOSITE)) + "]", ErrorCode.INVALID_JSON, "JSON object",
                SchemaVerdict.REJECT));

        // schema version
        t.add(bad("schemaVersion missing", edit(minimal(Mode.COMPOSITE), "schemaVersion", null),
                ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion is missing"));
        t.add(bad("schemaVersion 2", edit(minimal(Mode.COMPOSITE), "schemaVersion", "2"),
                ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion 2 is not supported"));
        t.add(bad("schemaVersion 0", edit(minimal(Mode.COMPOSITE), "schemaVersion", "0"),
                ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion 0"));
        t.add(bad("schemaVersion 2 wins over other errors", edit(minimal(Mode.COMPOSITE), "schemaVersion", "2",
                "jobId", "7", "mode", "\"paint\""), ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion 2"));
        t.add(bad("schemaVersion 1.5", edit(minimal(Mode.COMPOSITE), "schemaVersion", "1.5"),
                ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion 1.5 is not supported"));
        // Literals beyond the double range are written raw: a JSON tree would print them as "Infinity".
        t.add(raw("schemaVersion 1e400", beyondDoubles("\"schemaVersion\":1", "\"schemaVersion\":1e400"),
                ErrorCode.SCHEMA_VERSION_UNSUPPORTED, "schemaVersion a number above 1.8e308 is not supported",
                SchemaVerdict.NOT_READABLE));
        t.add(bad("schemaVersion as string", edit(minimal(Mode.COMPOSITE), "schemaVersion", "\"1\""),
                ErrorCode.INVALID_JSON, "schemaVersion must be an integer, got a string"));

        // jobId
        t.add(bad("jobId missing", edit(minimal(Mode.COMPOSITE), "jobId", null), ErrorCode.INVALID_REQUEST,
                "jobId is required"));
        t.add(bad("jobId empty", edit(minimal(Mode.COMPOSITE), "jobId", "\"\""), ErrorCode.INVALID_REQUEST, "jobId must"));
        t.add(bad("jobId with slash", edit(minimal(Mode.COMPOSITE), "jobId", "\"a/b\""), ErrorCode.INVALID_REQUEST,
                "jobId must"));
        t.add(bad("jobId of 129 chars", edit(minimal(Mode.COMPOSITE), "jobId", "\"" + "a".repeat(129) + "\""),
                ErrorCode.INVALID_REQUEST, "jobId must"));
        t.add(bad("jobId '..'", edit(minimal(Mode.COMPOSITE), "jobId", "\"..\""), ErrorCode.INVALID_REQUEST,
                "not dots only"));
        t.add(bad("jobId number", edit(minimal(Mode.COMPOSITE), "jobId", "17"), ErrorCode.INVALID_JSON,
                "jobId must be a string, got a number"));

        // mode
        t.add(bad("mode missing", edit(minimal(Mode.COMPOSITE), "mode", null), ErrorCode.INVALID_REQUEST,
                "mode is required"));
        t.add(bad("mode unknown", edit(minimal(Mode.COMPOSITE), "mode", "\"sketch\""), ErrorCode.UNKNOWN_MODE,
                "mode must be one of composite, restyle, variation, inpaint, outpaint, got 'sketch'"));
        t.add(bad("mode uppercase", edit(minimal(Mode.COMPOSITE), "mode", "\"COMPOSITE\""), ErrorCode.UNKNOWN_MODE,
                "got 'COMPOSITE'"));
        t.add(bad("mode number", edit(minimal(Mode.COMPOSITE), "mode", "1"), ErrorCode.INVALID_JSON, "mode must be a string"));

        // reference
        t.add(bad("reference missing", edit(minimal(Mode.COMPOSITE), "reference", null), ErrorCode.INVALID_REQUEST,
                "reference is required"));
        t.add(bad("reference empty", edit(minimal(Mode.COMPOSITE), "reference", "[]"), ErrorCode.INVALID_REQUEST,
                "reference is required"));
        t.add(bad("reference object", edit(minimal(Mode.COMPOSITE), "reference", obj("in", "a.png")),
                ErrorCode.INVALID_JSON, "reference must be an array, got an object"));
        t.add(bad("reference item string", edit(minimal(Mode.COMPOSITE), "reference", "[\"in/a.png\"]"),
                ErrorCode.INVALID_JSON, "reference[0] must be an object, got a string"));
        t.add(bad("reference bucket missing", edit(minimal(Mode.COMPOSITE), "reference[0].bucket", null),
                ErrorCode.INVALID_REQUEST, "reference[0].bucket is required"));
        t.add(bad("reference key blank", edit(minimal(Mode.COMPOSITE), "reference[0].key", "\" \\t\""),
                ErrorCode.INVALID_REQUEST, "reference[0].key must not be blank"));
        t.add(bad("reference weight 11", edit(minimal(Mode.COMPOSITE), "reference[0].weight", "11"),
                ErrorCode.PARAM_OUT_OF_RANGE, "reference[0].weight must be in [0, 10], got 11"));
        t.add(bad("second reference weight -0.5", edit(minimal(Mode.COMPOSITE), "reference",
                "[" + ref("1") + "," + ref("-0.5") + "]"), ErrorCode.PARAM_OUT_OF_RANGE,
                "reference[1].weight must be in [0, 10], got -0.5"));
        t.add(bad("reference weight string", edit(minimal(Mode.COMPOSITE), "reference[0].weight", "\"1\""),
                ErrorCode.INVALID_JSON, "reference[0].weight must be a number, got a string"));
        t.add(bad("five references", edit(minimal(Mode.COMPOSITE), "reference",
                "[" + String.join(",", List.of(ref("1"), ref("1"), ref("1"), ref("1"), ref("1"))) + "]"),
                ErrorCode.PARAM_OUT_OF_RANGE, "reference: at most 4 references, got 5"));
        t.add(ok("reference scales with sum_conditioning", edit(minimal(Mode.COMPOSITE),
                "params.referenceBlend", "\"sum_conditioning\"", "reference[0].promptEmbedsScale", "0.5",
                "reference[0].pooledPromptEmbedsScale", "2")));
        t.add(ok("reference scale 1 with the default blend", edit(minimal(Mode.COMPOSITE),
                "reference[0].promptEmbedsScale", "1.0", "reference[0].pooledPromptEmbedsScale", "1")));
        t.add(bad("reference promptEmbedsScale 11", edit(minimal(Mode.COMPOSITE), "params.referenceBlend",
                "\"sum_conditioning\"", "reference[0].promptEmbedsScale", "11"), ErrorCode.PARAM_OUT_OF_RANGE,
                "reference[0].promptEmbedsScale must be in [0, 10], got 11"));
        t.add(bad("reference pooledPromptEmbedsScale -1", edit(minimal(Mode.COMPOSITE), "params.referenceBlend",
                "\"sum_conditioning\"", "reference[0].pooledPromptEmbedsScale", "-1"), ErrorCode.PARAM_OUT_OF_RANGE,
                "reference[0].pooledPromptEmbedsScale must be in [0, 10], got -1"));
        t.add(bad("reference promptEmbedsScale without sum_conditioning", edit(minimal(Mode.COMPOSITE),
                "reference[0].promptEmbedsScale", "0.5"), ErrorCode.PARAM_OUT_OF_RANGE,
                "reference[0].promptEmbedsScale 0.5 needs params.referenceBlend sum_conditioning"));
        t.add(bad("reference pooledPromptEmbedsScale with sum", edit(minimal(Mode.COMPOSITE),
                "params.referenceBlend", "\"sum\"", "reference[0].pooledPromptEmbedsScale", "0"),
                ErrorCode.PARAM_OUT_OF_RANGE, "reference[0].pooledPromptEmbedsScale 0 needs params.referenceBlend"
                + " sum_conditioning (sum keeps the text part once, unscaled), got sum"));
        t.add(bad("reference promptEmbedsScale string", edit(minimal(Mode.COMPOSITE),
                "reference[0].promptEmbedsScale", "\"1\""), ErrorCode.INVALID_JSON,
                "reference[0].promptEmbedsScale must be a number, got a string"));
        t.add(bad("reference mask key missing", edit(minimal(Mode.COMPOSITE), "reference[0].mask",
                "{\"bucket\":\"in\"}"), ErrorCode.INVALID_REQUEST, "reference[0].mask.key is required"));

        // target and mask
        t.add(bad("target missing for composite", edit(minimal(Mode.COMPOSITE), "target", null),
                ErrorCode.INVALID_REQUEST, "target is required for composite mode"));
        t.add(bad("target missing for restyle", edit(minimal(Mode.RESTYLE), "target", null),
                ErrorCode.INVALID_REQUEST, "target is required for restyle mode"));
        t.add(bad("target in variation", edit(minimal(Mode.VARIATION), "target", obj("in", "b.png")),
                ErrorCode.INVALID_REQUEST, "target is not used by variation mode"));
        t.add(bad("target bucket blank", edit(minimal(Mode.COMPOSITE), "target.bucket", "\"\""),
                ErrorCode.INVALID_REQUEST, "target.bucket must not be blank"));
        t.add(bad("target as string", edit(minimal(Mode.COMPOSITE), "target", "\"s3://in/b.png\""),
                ErrorCode.INVALID_JSON, "target must be an object, got a string"));
        t.add(bad("inpaint without mask", edit(minimal(Mode.INPAINT), "mask", null), ErrorCode.INVALID_REQUEST,
                "mask is required for inpaint mode"));
        t.add(bad("mask in restyle", edit(minimal(Mode.RESTYLE), "mask", obj("in", "m.png")),
                ErrorCode.INVALID_REQUEST, "mask is not used by restyle mode"));
        t.add(bad("mask in outpaint", edit(minimal(Mode.OUTPAINT), "mask", obj("in", "m.png")),
                ErrorCode.INVALID_REQUEST, "mask is not used by outpaint mode"));
        t.add(bad("mask key missing", edit(minimal(Mode.INPAINT), "mask.key", null), ErrorCode.INVALID_REQUEST,
                "mask.key is required"));

        // prompt
        t.add(bad("prompt number", edit(minimal(Mode.COMPOSITE), "prompt", "5"), ErrorCode.INVALID_JSON,
                "prompt must be a string"));
        t.add(bad("prompt too long", edit(minimal(Mode.COMPOSITE), "prompt", "\"" + "x".repeat(10_001) + "\""),
                ErrorCode.INVALID_REQUEST, "prompt must be at most 10000 characters, got 10001"));

        // params
        t.add(bad("params array", edit(minimal(Mode.COMPOSITE), "params", "[]"), ErrorCode.INVALID_JSON,
                "params must be an object, got an array"));
        t.add(param("steps", "0", ErrorCode.PARAM_OUT_OF_RANGE, "params.steps must be in [1, 200], got 0"));
        t.add(param("steps", "201", ErrorCode.PARAM_OUT_OF_RANGE, "params.steps must be in [1, 200], got 201"));
        t.add(param("steps", "99999999999", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.steps must be in [1, 200], got 99999999999"));
        t.add(param("steps", "\"28\"", ErrorCode.INVALID_JSON, "params.steps must be an integer, got a string"));
        t.add(param("steps", "28.5", ErrorCode.INVALID_JSON, "params.steps must be an integer, got a number"));
        t.add(param("guidance", "100.5", ErrorCode.PARAM_OUT_OF_RANGE, "params.guidance must be in [0, 100], got 100.5"));
        t.add(param("guidance", "-1", ErrorCode.PARAM_OUT_OF_RANGE, "params.guidance must be in [0, 100], got -1"));
        t.add(param("guidance", "true", ErrorCode.INVALID_JSON, "params.guidance must be a number, got a boolean"));
        t.add(param("strength", "0", ErrorCode.PARAM_OUT_OF_RANGE, "params.strength must be in (0, 1], got 0"));
        t.add(param("strength", "1.01", ErrorCode.PARAM_OUT_OF_RANGE, "params.strength must be in (0, 1], got 1.01"));
        t.add(param("reduxStrength", "10.5", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.reduxStrength must be in [0, 10], got 10.5"));
        t.add(param("reduxDownsample", "0", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.reduxDownsample must be in [1, 9], got 0"));
        t.add(param("reduxDownsample", "10", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.reduxDownsample must be in [1, 9], got 10"));
        t.add(param("previewEvery", "-1", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.previewEvery must be in [0, 200], got -1"));
        t.add(param("previewEvery", "201", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.previewEvery must be in [0, 200], got 201"));
        t.add(param("seed", "1.5", ErrorCode.INVALID_JSON, "params.seed must be an integer"));
        t.add(param("seed", "\"42\"", ErrorCode.INVALID_JSON, "params.seed must be an integer, got a string"));
        t.add(param("seed", "9223372036854775808", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.seed must be in [-9223372036854775808, 9223372036854775807], got 9223372036854775808"));
        t.add(param("referenceBlend", "\"mix\"", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.referenceBlend must be concat, sum or sum_conditioning, got 'mix'"));
        t.add(param("posterior", "\"median\"", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.posterior must be mean or sample, got 'median'"));
        t.add(param("posterior", "\"SAMPLE\"", ErrorCode.PARAM_OUT_OF_RANGE, "params.posterior must be"));
        t.add(param("posterior", "0", ErrorCode.INVALID_JSON, "params.posterior must be a string, got a number"));
        t.add(param("layout", "\"diagonal\"", ErrorCode.PARAM_OUT_OF_RANGE,
                "params.layout must be horizontal or vertical, got 'diagonal'"));
        t.add(param("layout", "\"HORIZONTAL\"", ErrorCode.PARAM_OUT_OF_RANGE, "params.layout must be"));
        t.add(param("pasteBack", "\"yes\"", ErrorCode.INVALID_JSON, "params.pasteBack must be a boolean, got a string"));
        t.add(param("pasteBack", "1", ErrorCode.INVALID_JSON, "params.pasteBack must be a boolean, got a number"));
        t.add(param("outpaint", "\"0,256,0,0\"", ErrorCode.INVALID_JSON, "params.outpaint must be an object"));
        t.add(bad("outpaint margin -1", edit(minimal(Mode.OUTPAINT), "params.outpaint.left", "-1"),
                ErrorCode.PARAM_OUT_OF_RANGE, "params.outpaint.left must be in [0, 4096], got -1"));
        t.add(bad("outpaint margin 5000", edit(minimal(Mode.OUTPAINT), "params.outpaint.bottom", "5000"),
                ErrorCode.PARAM_OUT_OF_RANGE, "params.outpaint.bottom must be in [0, 4096], got 5000"));
        t.add(bad("outpaint margin huge", edit(minimal(Mode.OUTPAINT), "params.outpaint.top", "1e12"),
                ErrorCode.PARAM_OUT_OF_RANGE, "params.outpaint.top must be in [0, 4096], got 1000000000000"));
        t.add(raw("steps 1e400", beyondDoubles("\"schemaVersion\":1", "\"schemaVersion\":1,\"params\":{\"steps\":1e400}"),
                ErrorCode.PARAM_OUT_OF_RANGE, "params.steps must be in [1, 200], got a number above", SchemaVerdict.REJECT));
        t.add(raw("seed -1e400", beyondDoubles("\"schemaVersion\":1", "\"schemaVersion\":1,\"params\":{\"seed\":-1e400}"),
                ErrorCode.PARAM_OUT_OF_RANGE, "params.seed must be in", SchemaVerdict.REJECT));
        t.add(bad("outpaint margin 1.5", edit(minimal(Mode.OUTPAINT), "params.outpaint.top", "1.5"),
                ErrorCode.INVALID_JSON, "params.outpaint.top must be an integer"));
        t.add(bad("outpaint with zero margins", edit(minimal(Mode.OUTPAINT), "params.outpaint",
                "{\"left\":0,\"right\":0}"), ErrorCode.PARAM_OUT_OF_RANGE, "params.outpaint"));
        t.add(bad("outpaint without params", edit(minimal(Mode.OUTPAINT), "params", null),
                ErrorCode.PARAM_OUT_OF_RANGE, "params.outpaint: outpaint needs at least one non-zero margin"));

        // output
        t.add(bad("output missing", edit(minimal(Mode.COMPOSITE), "output", null), ErrorCode.INVALID_REQUEST,
                "output is required"));
        t.add(bad("output bucket missing", edit(minimal(Mode.COMPOSITE), "output.bucket", null),
                ErrorCode.INVALID_REQUEST, "output.bucket is required"));
        t.add(bad("output bucket blank", edit(minimal(Mode.COMPOSITE), "output.bucket", "\"  \""),
                ErrorCode.INVALID_REQUEST, "output.bucket must not be blank"));
        t.add(bad("output prefix absolute", edit(minimal(Mode.COMPOSITE), "output.prefix", "\"/results/\""),
                ErrorCode.INVALID_REQUEST, "output.prefix must be relative"));
        t.add(bad("output prefix with ..", edit(minimal(Mode.COMPOSITE), "output.prefix", "\"a/../../b\""),
                ErrorCode.INVALID_REQUEST, "output.prefix must be relative"));
        t.add(bad("output prefix number", edit(minimal(Mode.COMPOSITE), "output.prefix", "3"),
                ErrorCode.INVALID_JSON, "output.prefix must be a string"));
        t.add(bad("output format gif", edit(minimal(Mode.COMPOSITE), "output.format", "\"gif\""),
                ErrorCode.PARAM_OUT_OF_RANGE, "output.format must be png, jpeg or webp, got 'gif'"));
        t.add(bad("output format PNG", edit(minimal(Mode.COMPOSITE), "output.format", "\"PNG\""),
                ErrorCode.PARAM_OUT_OF_RANGE, "output.format must be"));
        t.add(ok("output format webp", edit(minimal(Mode.COMPOSITE), "output.format", "\"webp\"")));

        // deadline
        t.add(bad("deadline not an instant", edit(minimal(Mode.COMPOSITE), "deadline", "\"tomorrow\""),
                ErrorCode.INVALID_REQUEST, "deadline must be an ISO-8601 instant"));
        t.add(bad("deadline without offset", edit(minimal(Mode.COMPOSITE), "deadline", "\"2026-01-01T00:00:00\""),
                ErrorCode.INVALID_REQUEST, "deadline must be an ISO-8601 instant"));
        t.add(bad("deadline epoch number", edit(minimal(Mode.COMPOSITE), "deadline", "1767225600"),
                ErrorCode.INVALID_JSON, "deadline must be a string, got a number"));
        t.add(bad("deadline month 13", edit(minimal(Mode.COMPOSITE), "deadline", "\"2026-13-01T00:00:00Z\""),
                ErrorCode.INVALID_REQUEST, "deadline must be an ISO-8601 instant"));
        t.add(schemaCannot("deadline February 30", edit(minimal(Mode.COMPOSITE), "deadline",
                "\"2026-02-30T00:00:00Z\""), ErrorCode.INVALID_REQUEST, "deadline must be an ISO-8601 instant",
                "a pattern cannot know month lengths"));
        return t;
    }

    // ---- the checks ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parserAndSchemaAgree(Case c) {
        StylizeException error = null;
        JobRequest parsed = null;
        try {
            parsed = JobJson.parseRequest(c.json());
        } catch (StylizeException e) {
            error = e;
        }
        if (c.code() == null) {
            if (error != null) {
                fail("parser rejected a valid request: " + error);
            }
        } else {
            if (error == null) {
                fail("parser accepted: " + parsed);
            }
            assertEquals(c.code(), error.code(), error.toString());
            assertTrue(error.getMessage().contains(c.message()),
                    "message '" + error.getMessage() + "' lacks '" + c.message() + "'");
        }

        if (c.schema() == SchemaVerdict.NOT_JSON || c.schema() == SchemaVerdict.NOT_READABLE) {
            return;
        }
        String complaints = Schemas.request(Schemas.tree(c.json()));
        if (c.schema() == SchemaVerdict.ACCEPT) {
            assertEquals("", complaints, "schema rejected what it must accept");
        } else {
            assertFalse(complaints.isEmpty(), "schema accepted what the parser rejects with " + c.code());
            String field = error == null ? null : fieldOf(error.getMessage());
            if (field != null) {
                String first = field.split("\\.")[0];
                String last = field.substring(field.lastIndexOf('.') + 1);
                assertTrue(complaints.contains(first) || complaints.contains(last),
                        "schema complaints name neither '" + first + "' nor '" + last + "':\n" + complaints);
            }
        }
    }

    /** A valid request written back by JobJson parses to the same request and still satisfies the schema. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validRequestsRoundTrip(Case c) {
        if (c.code() != null) {
            return;
        }
        JobRequest r = JobJson.parseRequest(c.json());
        byte[] written = JobJson.write(r);
        assertEquals(r, JobJson.parseRequest(written), new String(written, StandardCharsets.UTF_8));
        assertEquals("", Schemas.request(Schemas.tree(written)));
    }

    /** The field path a message starts with ("reference[1].weight must …" → "reference.weight"), or null. */
    private static String fieldOf(String message) {
        Matcher m = Pattern.compile("^([A-Za-z.\\[\\]0-9]+)[ :]").matcher(message);
        if (!m.find() || m.group(1).equals("the")) {
            return null;
        }
        return m.group(1).replaceAll("\\[\\d+]", "");
    }

    // ---- case builders ------------------------------------------------------------------------------------

    private static Case ok(String name, ObjectNode json) {
        return new Case(name, bytes(json), null, null, SchemaVerdict.ACCEPT, null);
    }

    private static Case bad(String name, ObjectNode json, ErrorCode code, String message) {
        return new Case(name, bytes(json), code, message, SchemaVerdict.REJECT, null);
    }

    private static Case param(String field, String value, ErrorCode code, String message) {
        return bad("params." + field + " = " + value, edit(minimal(Mode.COMPOSITE), "params." + field, value), code,
                message);
    }

    private static Case schemaCannot(String name, ObjectNode json, ErrorCode code, String message, String why) {
        return new Case(name, bytes(json), code, message, SchemaVerdict.ACCEPT, why);
    }

    private static Case raw(String name, String json, ErrorCode code, String message, SchemaVerdict schema) {
        return new Case(name, json.getBytes(StandardCharsets.UTF_8), code, message, schema, null);
    }

    /** A minimal composite request with {@code from} replaced by {@code to}, as raw JSON text. */
    private static String beyondDoubles(String from, String to) {
        String json = json(minimal(Mode.COMPOSITE));
        assertTrue(json.contains(from), json);
        return json.replace(from, to);
    }

    static ObjectNode minimal(Mode mode) {
        ObjectNode r = (ObjectNode) parse("{\"schemaVersion\":1,\"jobId\":\"job-" + mode.wireName() + "\",\"mode\":\""
                + mode.wireName() + "\",\"reference\":[{\"bucket\":\"in\",\"key\":\"a.png\"}],"
                + "\"output\":{\"bucket\":\"out\"}}");
        if (mode.needsTarget()) {
            r.set("target", parse(obj("in", "b.png")));
        }
        if (mode == Mode.INPAINT) {
            r.set("mask", parse(obj("in", "m.png")));
        }
        if (mode == Mode.OUTPAINT) {
            r.set("params", parse("{\"outpaint\":{\"right\":256}}"));
        }
        return r;
    }

    static ObjectNode full() {
        return (ObjectNode) parse("""
                {
                  "schemaVersion": 1,
                  "jobId": "order-2041.v2_retry-1",
                  "mode": "composite",
                  "reference": [
                    {"bucket": "inputs", "key": "refs/style.png", "weight": 1.0,
                     "mask": {"bucket": "inputs", "key": "refs/style-mask.png"}},
                    {"bucket": "inputs", "key": "refs/palette.jpg", "weight": 0.5}
                  ],
                  "target": {"bucket": "inputs", "key": "photos/room.jpg"},
                  "mask": {"bucket": "inputs", "key": "photos/room-mask.png"},
                  "prompt": "a watercolour living room",
                  "params": {"steps": 28, "guidance": 30, "seed": 42, "strength": 1.0, "reduxStrength": 0.8,
                             "reduxDownsample": 3, "referenceBlend": "concat", "layout": "horizontal",
                             "pasteBack": true, "previewEvery": 4, "posterior": "mean",
                             "outpaint": {"left": 0, "right": 256, "top": 0, "bottom": 0}},
                  "output": {"bucket": "outputs", "prefix": "stylize/2026/", "format": "jpeg"},
                  "deadline": "2026-01-01T00:00:00Z"
                }""");
    }

    static String obj(String bucket, String key) {
        return "{\"bucket\":\"" + bucket + "\",\"key\":\"" + key + "\"}";
    }

    private static String ref(String weight) {
        return "{\"bucket\":\"in\",\"key\":\"a.png\",\"weight\":" + weight + "}";
    }

    private static final Pattern STEP = Pattern.compile("([^.\\[]+)(?:\\[(\\d+)])?");

    /**
     * Sets (JSON literal) or, for a null literal argument, removes each path ({@code params.steps},
     * {@code reference[0].bucket}), creating missing objects on the way.
     */
    static ObjectNode edit(ObjectNode root, String... pathsAndValues) {
        for (int i = 0; i < pathsAndValues.length; i += 2) {
            String[] steps = pathsAndValues[i].split("\\.");
            JsonNode node = root;
            for (int s = 0; s < steps.length; s++) {
                Matcher m = STEP.matcher(steps[s]);
                assertTrue(m.matches(), steps[s]);
                String field = m.group(1);
                boolean last = s == steps.length - 1 && m.group(2) == null;
                ObjectNode o = (ObjectNode) node;
                if (last) {
                    String value = pathsAndValues[i + 1];
                    if (value == null) {
                        assertNotEquals(null, o.remove(field), "nothing to remove at " + pathsAndValues[i]);
                    } else {
                        o.set(field, parse(value));
                    }
                    break;
                }
                JsonNode next = o.get(field);
                if (next == null || next.isNull()) {
                    next = o.putObject(field);
                }
                if (m.group(2) != null) {
                    next = ((ArrayNode) next).get(Integer.parseInt(m.group(2)));
                    if (s == steps.length - 1) {
                        fail("paths end in a field");
                    }
                }
                node = next;
            }
        }
        return root;
    }

    static JsonNode parse(String json) {
        return Schemas.tree(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(ObjectNode node) {
        return node.toString();
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
