package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The schemas' numbers, patterns and word lists are the code's: a change on one side fails here. */
class SchemaConsistencyTest {
    private static final JsonNode REQUEST = Schemas.raw(Schemas.REQUEST);
    private static final JsonNode PROGRESS = Schemas.raw(Schemas.PROGRESS);
    private static final JsonNode RESULT = Schemas.raw(Schemas.RESULT);

    @Test
    void requestRangesAreParamResolvers() {
        JsonNode p = REQUEST.at("/properties/params/properties");
        assertEquals(ParamResolver.MAX_STEPS, p.at("/steps/maximum").asInt());
        assertEquals(ParamResolver.MAX_GUIDANCE, p.at("/guidance/maximum").asDouble());
        assertEquals(ParamResolver.MAX_REDUX_STRENGTH, p.at("/reduxStrength/maximum").asDouble());
        assertEquals(ParamResolver.MAX_REDUX_DOWNSAMPLE, p.at("/reduxDownsample/maximum").asInt());
        assertEquals(ParamResolver.MAX_STEPS, p.at("/previewEvery/maximum").asInt());
        assertEquals(1.0, p.at("/strength/maximum").asDouble());
        assertEquals(0.0, p.at("/strength/exclusiveMinimum").asDouble());
        assertEquals(ParamResolver.MAX_MARGIN, REQUEST.at("/$defs/margin/maximum").asInt());
        assertEquals(ParamResolver.MAX_WEIGHT, REQUEST.at("/$defs/referenceRef/properties/weight/maximum").asDouble());
        assertEquals(ParamResolver.MAX_EMBEDS_SCALE,
                REQUEST.at("/$defs/referenceRef/properties/promptEmbedsScale/maximum").asDouble());
        assertEquals(ParamResolver.MAX_EMBEDS_SCALE,
                REQUEST.at("/$defs/referenceRef/properties/pooledPromptEmbedsScale/maximum").asDouble());
        assertEquals(ParamResolver.MAX_REFERENCES, REQUEST.at("/properties/reference/maxItems").asInt());
        assertEquals(RequestValidator.MAX_PROMPT_CODE_POINTS, REQUEST.at("/properties/prompt/maxLength").asInt());
        assertEquals(Long.MIN_VALUE, p.at("/seed/minimum").asLong());
        assertEquals(Long.MAX_VALUE, p.at("/seed/maximum").asLong());
        assertEquals(ParamResolver.MAX_STEPS, PROGRESS.at("/properties/steps/maximum").asInt());
        assertEquals(ErrorInfo.MAX_MESSAGE_CHARS, RESULT.at("/properties/error/properties/message/maxLength").asInt());
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
        JsonNode p = REQUEST.at("/properties/params/properties");
        assertEquals(lower(ReferenceBlend.values()), words(p.at("/referenceBlend/enum")));
        assertEquals(lower(Layout.values()), words(p.at("/layout/enum")));
        assertEquals(lower(Posterior.values()), words(p.at("/posterior/enum")));
        assertEquals(lower(OutputFormat.values()), words(REQUEST.at("/properties/output/properties/format/enum")));
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
