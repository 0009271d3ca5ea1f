package dev.stylize.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.stream.Collectors;

/** The contract's JSON Schemas from the classpath, compiled once. */
final class Schemas {
    static final String REQUEST = MessageSchemas.REQUEST;
    static final String PROGRESS = MessageSchemas.PROGRESS;
    static final String RESULT = MessageSchemas.RESULT;

    /** A plain mapper: the schema side must not depend on JobJson's settings. */
    static final ObjectMapper PLAIN = new ObjectMapper();

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final JsonSchema REQUEST_SCHEMA = load(REQUEST);
    private static final JsonSchema PROGRESS_SCHEMA = load(PROGRESS);
    private static final JsonSchema RESULT_SCHEMA = load(RESULT);

    private Schemas() {}

    static JsonNode raw(String name) {
        try (InputStream in = resource(name)) {
            return PLAIN.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema's complaints about {@code doc}, one line each; empty when it accepts. */
    static String request(JsonNode doc) {
        return messages(REQUEST_SCHEMA.validate(doc));
    }

    static String progress(JsonNode doc) {
        return messages(PROGRESS_SCHEMA.validate(doc));
    }

    static String result(JsonNode doc) {
        return messages(RESULT_SCHEMA.validate(doc));
    }

    static JsonNode tree(byte[] json) {
        try {
            return PLAIN.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String messages(Set<ValidationMessage> errors) {
        return errors.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("\n"));
    }

    private static JsonSchema load(String name) {
        try (InputStream in = resource(name)) {
            return FACTORY.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = Schemas.class.getResourceAsStream(MessageSchemas.CLASSPATH_DIR + name);
        if (in == null) {
            throw new IllegalStateException("no schema " + MessageSchemas.CLASSPATH_DIR + name + " on the classpath");
        }
        return in;
    }
}
