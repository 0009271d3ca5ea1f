package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schemas' numbers, patterns and word lists are the code's: a change on one side fails here. The request's
 * parameters are checked row by row against {@link ParamTable}.
 */
class SchemaConsistencyTest {
    private static final JsonNode REQUEST = Schemas.raw(Schemas.REQUEST);
    private static final JsonNode PROGRESS = Schemas.raw(Schemas.PROGRESS);
    private static final JsonNode RESULT = Schemas.raw(Schemas.RESULT);

    /** Each row's JSON type, range or words and default, as the request schema states them. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void requestSchemaIsTheParamTable(ParamTable.Param<?> row) {
        JsonNode field = schemaOf(row);
        assertFalse(field.isMissingNode(), "no schema for " + row);
        switch (row.type()) {
            case INTEGER, NUMBER, BOOLEAN -> assertEquals(List.of(row.type().name().toLowerCase(Locale.ROOT), "null"),
                    words(field.get("type")), row + " type");
            case WORD -> assertFalse(field.has("type"), row + ": the enum alone states the type");
        }
        ParamTable.Range range = row.range();
        if (range == null) {
            assertFalse(field.has("minimum") || field.has("exclusiveMinimum") || field.has("maximum"), row.toString());
        } else {
            String lowKey = range.minExclusive() ? "exclusiveMinimum" : "minimum";
            assertFalse(field.has(range.minExclusive() ? "minimum" : "exclusiveMinimum"), row.toString());
            assertEquals(0, range.min().compareTo(field.get(lowKey).decimalValue()), row + " " + lowKey);
            assertEquals(0, range.max().compareTo(field.get("maximum").decimalValue()), row + " maximum");
        }
        if (row.type() == ParamTable.Type.WORD) {
            List<String> wire = row.words().stream().map(w -> ((Enum<?>) w).name().toLowerCase(Locale.ROOT)).toList();
            assertEquals(wire, words(field.get("enum")), row + " enum");
        } else {
            assertFalse(field.has("enum"), row.toString());
        }
        Object fixed = row.defaultValue().fixed();
        if (fixed == null) {
            assertFalse(field.has("default"), row + ": its default depends on the mode, transformer or request");
        } else if (fixed instanceof Number n) {
            assertEquals(n.doubleValue(), field.get("default").asDouble(), row + " default");
        } else {
            assertEquals(((Enum<?>) fixed).name().toLowerCase(Locale.ROOT), field.path("default").asText(),
                    row + " default");
        }
    }

    /** Every field the schema lists next to the rows has a row: nothing is declared in the schema alone. */
    @Test
    void everyParameterInTheSchemaHasARow() {
        assertEquals(rowNames(ParamTable.Scope.PARAMS, "outpaint"), fieldNames(REQUEST.at("/properties/params/properties")));
        assertEquals(rowNames(ParamTable.Scope.REFERENCE, "bucket", "key", "mask"),
                fieldNames(REQUEST.at("/$defs/referenceRef/properties")));
        assertEquals(rowNames(ParamTable.Scope.OUTPUT, "bucket", "prefix"),
                fieldNames(REQUEST.at("/properties/output/properties")));
        assertEquals(Set.of("left", "right", "top", "bottom"),
                fieldNames(REQUEST.at("/properties/params/properties/outpaint/properties")));
    }

    @Test
    void requestLimitsOutsideTheTable() {
        assertEquals(ParamTable.MAX_REFERENCES, REQUEST.at("/properties/reference/maxItems").asInt());
        assertEquals(RequestValidator.MAX_PROMPT_CODE_POINTS, REQUEST.at("/properties/prompt/maxLength").asInt());
        assertEquals(ParamTable.MAX_STEPS, PROGRESS.at("/properties/steps/maximum").asInt());
        assertEquals(ErrorInfo.MAX_MESSAGE_CHARS, RESULT.at("/properties/error/properties/message/maxLength").asInt());
    }

    static List<ParamTable.Param<?>> rows() {
        return ParamTable.ALL;
    }

    /** The schema of one value of a row; the four margins share theirs, which each side must refer to. */
    private static JsonNode schemaOf(ParamTable.Param<?> row) {
        return switch (row.scope()) {
            case PARAMS -> REQUEST.at("/properties/params/properties/" + row.name());
            case OUTPAINT_SIDE -> {
                JsonNode sides = REQUEST.at("/properties/params/properties/" + row.name() + "/properties");
                sides.forEach(side -> assertEquals("#/$defs/margin", side.path("$ref").asText(), row.toString()));
                yield REQUEST.at("/$defs/margin");
            }
            case REFERENCE -> REQUEST.at("/$defs/referenceRef/properties/" + row.name());
            case OUTPUT -> REQUEST.at("/properties/output/properties/" + row.name());
        };
    }

    private static Set<String> rowNames(ParamTable.Scope scope, String... others) {
        Set<String> out = new TreeSet<>(List.of(others));
        ParamTable.ALL.stream().filter(p -> p.scope() == scope).forEach(p -> out.add(p.name()));
        return out;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void patternsAreTheCodes() {
        String jobId = "^" + RequestValidator.JOB_ID.pattern() + "$";
        assertEquals(jobId, REQUEST.at("/properties/jobId/pattern").asText());
        assertEquals(jobId, PROGRESS.at("/properties/jobId/pattern").asText());
        assertEquals(jobId, RESULT.at("/properties/jobId/pattern").asText());
        assertEquals(RequestReader.INSTANT.pattern(), REQUEST.at("/properties/deadline/pattern").asText());
    }

    @Test
    void wordListsAreTheEnums() {
        assertEquals(lower(Mode.values()), words(REQUEST.at("/properties/mode/enum")));
        assertEquals(names(Phase.values()), words(PROGRESS.at("/properties/phase/enum")));
        assertEquals(names(Phase.values()), words(RESULT.at("/properties/timings/propertyNames/enum")));
        assertEquals(names(JobStatus.values()), words(RESULT.at("/properties/status/enum")));
        assertEquals(names(ErrorCode.values()), words(RESULT.at("/properties/error/properties/code/enum")));
        List<String> types = Arrays.stream(OutputFormat.values()).map(OutputFormat::contentType).toList();
        assertEquals(types, words(RESULT.at("/properties/outputs/items/properties/contentType/enum")));
    }

    /** The enum's words in order; a trailing null (allowed for optional fields) is left out. */
    private static List<String> words(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> {
            if (!n.isNull()) {
                out.add(n.asText());
            }
        });
        return out;
    }

    private static List<String> lower(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }
}
