package dev.stylize.job;

import java.util.List;

/**
 * The contract's JSON Schemas (draft 2020-12): file names under {@value #CLASSPATH_DIR} on the classpath, which
 * the gateway also serves at {@code /schemas/<name>} and its OpenAPI document refers to.
 */
public final class MessageSchemas {
    public static final String CLASSPATH_DIR = "/schemas/";
    public static final String REQUEST = "stylize-request.v1.schema.json";
    public static final String PROGRESS = "stylize-progress.v1.schema.json";
    public static final String RESULT = "stylize-result.v1.schema.json";
    public static final List<String> ALL = List.of(REQUEST, PROGRESS, RESULT);

    private MessageSchemas() {}
}
