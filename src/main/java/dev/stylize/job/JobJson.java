package dev.stylize.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * The wire format of the message contract (docs/message-contract.md, schemas under {@code /schemas}): one
 * configured ObjectMapper and the parse/write entry points.
 *
 * <p>Reading ignores unknown properties, rejects duplicate keys, trailing content and type coercions ("28"
 * is not a number, 28.5 is not an integer, 5 is not a string). Writing omits nulls, writes instants as
 * ISO-8601 strings, mode/referenceBlend/layout/format/posterior in lowercase and phase/status in uppercase.
 *
 * <p>Every failure is a {@link StylizeException}: INVALID_JSON (with the line/column or the field path),
 * SCHEMA_VERSION_UNSUPPORTED, or for requests any code of {@link RequestValidator}.
 */
public final class JobJson {
    private static final ObjectMapper MAPPER = build();

    private JobJson() {}

    /** Parses and fully validates a request: a returned request is ready to run. */
    public static JobRequest parseRequest(byte[] json) {
        JobRequest request = RequestReader.read(readTree(json));
        RequestValidator.validate(request);
        return request;
    }

    public static ProgressEvent parseProgress(byte[] json) {
        return parseEvent(json, ProgressEvent.class, "progress");
    }

    public static ResultEvent parseResult(byte[] json) {
        return parseEvent(json, ResultEvent.class, "result");
    }

    /** UTF-8 JSON of a request, event or any part of one. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new StylizeException(ErrorCode.INTERNAL, "could not write " + value.getClass().getSimpleName()
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The JSON tree of {@code json}; INVALID_JSON (with line and column) when it is not one JSON value. */
    public static JsonNode readTree(byte[] json) {
        try (JsonParser parser = MAPPER.createParser(json)) {
            JsonNode tree = MAPPER.readTree(parser);
            if (tree == null || tree.isMissingNode()) {
                throw RequestReader.invalid("not JSON: the message is empty");
            }
            if (parser.nextToken() != null) {
                throw RequestReader.invalid("not valid JSON: content after the JSON value at line "
                        + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr());
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new StylizeException(ErrorCode.INVALID_JSON, "not valid JSON: " + describe(e), e);
        } catch (IOException e) {
            throw new StylizeException(ErrorCode.INVALID_JSON, "not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * The request's jobId when it can be read and is well-formed, even from a request that fails validation:
     * lets the worker answer a rejected request with a FAILED result besides the dead-letter record.
     */
    public static Optional<String> peekJobId(byte[] json) {
        try {
            JsonNode id = MAPPER.readTree(json).get("jobId");
            if (id != null && id.isTextual()) {
                RequestValidator.checkJobId(id.textValue());
                return Optional.of(id.textValue());
            }
        } catch (IOException | RuntimeException e) {
            // not readable: no id
        }
        return Optional.empty();
    }

    /** A copy of the wire mapper, for tools and tests; changing it does not affect this class. */
    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    private static <T> T parseEvent(byte[] json, Class<T> type, String what) {
        JsonNode tree = readTree(json);
        if (!tree.isObject()) {
            throw RequestReader.invalid("the " + what + " event must be a JSON object, got " + RequestReader.kind(tree));
        }
        RequestReader.checkSchemaVersion(tree, what);
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StylizeException(ErrorCode.INVALID_JSON, what + " event is invalid: " + cause.getMessage(), e);
        } catch (JsonMappingException e) {
            throw new StylizeException(ErrorCode.INVALID_JSON, path(e) + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (JsonProcessingException e) {
            throw new StylizeException(ErrorCode.INVALID_JSON, "not valid JSON: " + describe(e), e);
        }
    }

    /** Field path of a mapping failure: {@code outputs[0].width}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(root)" : sb.toString();
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String msg = firstLine(e.getOriginalMessage());
        return loc == null ? msg : msg + " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return ErrorInfo.truncate(nl < 0 ? s : s.substring(0, nl), 300);
    }

    private static ObjectMapper build() {
        SimpleModule lowercase = new SimpleModule("stylize-lowercase-enums");
        lowercaseEnum(lowercase, Mode.class);
        lowercaseEnum(lowercase, ReferenceBlend.class);
        lowercaseEnum(lowercase, Layout.class);
        lowercaseEnum(lowercase, OutputFormat.class);
        lowercaseEnum(lowercase, Posterior.class);
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(lowercase)
                .addMixIn(Margins.class, MarginsWire.class)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        for (CoercionInputShape shape : new CoercionInputShape[] {
            CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }

    /** Margins on the wire: left, right, top, bottom only (not the derived "empty"). */
    @JsonIgnoreProperties({"empty"})
    private abstract static class MarginsWire {}

    private static <E extends Enum<E>> void lowercaseEnum(SimpleModule module, Class<E> type) {
        module.addSerializer(type, new JsonSerializer<E>() {
            @Override
            public void serialize(E value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.name().toLowerCase(Locale.ROOT));
            }
        });
        module.addDeserializer(type, new JsonDeserializer<E>() {
            @Override
            public E deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    String s = p.getText();
                    for (E e : type.getEnumConstants()) {
                        if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                            return e;
                        }
                    }
                    return (E) ctxt.handleWeirdStringValue(type, s, "not one of the lowercase %s names",
                            type.getSimpleName());
                }
                return (E) ctxt.handleUnexpectedToken(type, p);
            }
        });
    }
}
