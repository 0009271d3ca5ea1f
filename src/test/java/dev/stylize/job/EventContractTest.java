package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Progress and result events: JSON round trips, the schemas, and a golden result so field names can't drift. */
class EventContractTest {
    static final String SHA_A = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final String SHA_M = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    static final ModelInfo MODELS = new ModelInfo("flux1-redux-fill-fp16", SHA_M);

    static ResultEvent succeeded() {
        Map<Phase, Long> timings = new LinkedHashMap<>();
        timings.put(Phase.UPLOADING, 95L); // out of order on purpose: the event keeps phase order
        timings.put(Phase.QUEUED, 12L);
        timings.put(Phase.FETCHING, 140L);
        timings.put(Phase.ENCODING, 850L);
        timings.put(Phase.DENOISING, 21400L);
        timings.put(Phase.DECODING, 610L);
        return ResultEvent.succeeded("order-2041", 1,
                List.of(new OutputInfo("outputs", "stylize/2026/order-2041/0.png",
                        "https://s3.example.com/outputs/stylize/2026/order-2041/0.png", 1024, 768, SHA_A,
                        "image/png")),
                timings, 42L, MODELS);
    }

    static final String GOLDEN_SUCCEEDED = "{\"schemaVersion\":1,\"jobId\":\"order-2041\",\"attempt\":1,"
            + "\"status\":\"SUCCEEDED\",\"outputs\":[{\"bucket\":\"outputs\",\"key\":\"stylize/2026/order-2041/0.png\","
            + "\"url\":\"https://s3.example.com/outputs/stylize/2026/order-2041/0.png\",\"width\":1024,\"height\":768,"
            + "\"sha256\":\"" + SHA_A + "\",\"contentType\":\"image/png\"}],"
            + "\"timings\":{\"QUEUED\":12,\"FETCHING\":140,\"ENCODING\":850,\"DENOISING\":21400,\"DECODING\":610,"
            + "\"UPLOADING\":95},\"seed\":42,"
            + "\"models\":{\"id\":\"flux1-redux-fill-fp16\",\"manifestSha256\":\"" + SHA_M + "\"}}";

    static final String GOLDEN_FAILED = "{\"schemaVersion\":1,\"jobId\":\"order-2042\",\"attempt\":2,"
            + "\"status\":\"FAILED\",\"outputs\":[],\"error\":{\"code\":\"OBJECT_NOT_FOUND\","
            + "\"message\":\"reference[0]: s3://inputs/refs/missing.png does not exist\"},"
            + "\"timings\":{\"QUEUED\":3,\"FETCHING\":41}}";

    @Test
    void goldenSucceededResult() {
        assertEquals(GOLDEN_SUCCEEDED, utf8(JobJson.write(succeeded())));
        assertEquals(succeeded(), JobJson.parseResult(GOLDEN_SUCCEEDED.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void goldenFailedResult() {
        ResultEvent failed = ResultEvent.failed("order-2042", 2, ErrorCode.OBJECT_NOT_FOUND,
                "reference[0]: s3://inputs/refs/missing.png does not exist",
                Map.of(Phase.FETCHING, 41L, Phase.QUEUED, 3L), null, null);
        assertEquals(GOLDEN_FAILED, utf8(JobJson.write(failed)));
        assertEquals(failed, JobJson.parseResult(GOLDEN_FAILED.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void resultsRoundTripAndMatchTheSchema() {
        List<ResultEvent> events = List.of(
                succeeded(),
                ResultEvent.failed("j1", 1, ErrorCode.CANCELLED, "cancelled by the client", Map.of(), 7L, MODELS),
                ResultEvent.failed("j2", 3, ErrorCode.DEADLINE_EXPIRED, "deadline 2026-01-01T00:00:00Z passed",
                        Map.of(Phase.QUEUED, 5L), null, null),
                ResultEvent.failed("j3", 4, ErrorCode.MAX_ATTEMPTS_EXCEEDED, "gave up after 3 attempts", Map.of(),
                        null, null),
                ResultEvent.failed("j4", 1, new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE,
                        "params.steps must be in [1, 200], got 0")));
        for (ResultEvent e : events) {
            byte[] json = JobJson.write(e);
            assertEquals(e, JobJson.parseResult(json), utf8(json));
            assertEquals("", Schemas.result(Schemas.tree(json)), utf8(json));
        }
        assertEquals(JobStatus.CANCELLED, events.get(1).status());
        assertEquals(JobStatus.EXPIRED, events.get(2).status());
        assertEquals(JobStatus.FAILED, events.get(3).status());
    }

    @Test
    void progressRoundTripsAndMatchesTheSchema() {
        List<ProgressEvent> events = List.of(
                ProgressEvent.phase("order-2041", 1, Phase.QUEUED, 0, 28, 0, null),
                ProgressEvent.phase("order-2041", 1, Phase.FETCHING, 0, 28, 0.02, null),
                ProgressEvent.of("order-2041", 1, Phase.DENOISING, 12, 28, 0.47, 11800L,
                        new JobRequest.ObjectRef("outputs", "stylize/2026/order-2041/preview-12.jpg")),
                ProgressEvent.phase("order-2041", 2, Phase.UPLOADING, 28, 28, 1, 0L));
        for (ProgressEvent e : events) {
            byte[] json = JobJson.write(e);
            assertEquals(e, JobJson.parseProgress(json), utf8(json));
            assertEquals("", Schemas.progress(Schemas.tree(json)), utf8(json));
        }
        assertEquals("{\"schemaVersion\":1,\"jobId\":\"order-2041\",\"attempt\":1,\"phase\":\"DENOISING\",\"step\":12,"
                + "\"steps\":28,\"progress\":0.47,\"etaMs\":11800,\"preview\":{\"bucket\":\"outputs\","
                + "\"key\":\"stylize/2026/order-2041/preview-12.jpg\"}}", utf8(JobJson.write(events.get(2))));
        assertFalse(utf8(JobJson.write(events.get(0))).contains("etaMs"), "unknown ETA is omitted");
    }

    /** Each broken result is rejected by the parser (INVALID_JSON, or the version code) and by the schema. */
    @ParameterizedTest
    @ValueSource(strings = {
        "error on success|status=\"SUCCEEDED\"|error={\"code\":\"INTERNAL\",\"message\":\"x\"}",
        "success without outputs|status=\"SUCCEEDED\"|outputs=[]",
        "failure without error|status=\"FAILED\"|error=",
        "cancelled with another code|status=\"CANCELLED\"",
        "failed with CANCELLED|error={\"code\":\"CANCELLED\",\"message\":\"x\"}",
        "width as string|outputs[0]={\"bucket\":\"o\",\"key\":\"k\",\"url\":\"s3://o/k\",\"width\":\"1\",\"height\":1,"
                + "\"sha256\":\"" + SHA_A + "\",\"contentType\":\"image/png\"}",
        "zero height|outputs[0]={\"bucket\":\"o\",\"key\":\"k\",\"url\":\"s3://o/k\",\"width\":1,\"height\":0,"
                + "\"sha256\":\"" + SHA_A + "\",\"contentType\":\"image/png\"}",
        "uppercase sha|models={\"id\":\"m\",\"manifestSha256\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
        "unknown phase timing|timings={\"WARMUP\":3}",
        "negative timing|timings={\"QUEUED\":-3}",
        "attempt 0|attempt=0",
        "status lowercase|status=\"failed\"",
        "schemaVersion 2|schemaVersion=2",
        "schemaVersion missing|schemaVersion="})
    void brokenResultsAreRejected(String spec) {
        String[] parts = spec.split("\\|");
        ObjectNode doc = (ObjectNode) Schemas.tree(GOLDEN_FAILED.getBytes(StandardCharsets.UTF_8));
        if (parts[0].contains("success") || parts[0].contains("sha") || parts[0].contains("width")
                || parts[0].contains("height")) {
            doc = (ObjectNode) Schemas.tree(GOLDEN_SUCCEEDED.getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv[0].equals("outputs[0]")) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) doc.get("outputs")).set(0, parse(kv[1]));
            } else if (kv[1].isEmpty()) {
                doc.remove(kv[0]);
            } else {
                doc.set(kv[0], parse(kv[1]));
            }
        }
        byte[] json = doc.toString().getBytes(StandardCharsets.UTF_8);
        StylizeException e = assertThrows(StylizeException.class, () -> JobJson.parseResult(json), doc::toString);
        assertTrue(e.code() == ErrorCode.INVALID_JSON || e.code() == ErrorCode.SCHEMA_VERSION_UNSUPPORTED,
                e.toString());
        assertFalse(Schemas.result(doc).isEmpty(), "schema accepted " + doc);
    }

    @Test
    void parseErrorsNameTheField() {
        String doc = GOLDEN_SUCCEEDED.replace("\"width\":1024", "\"width\":\"1024\"");
        StylizeException e = assertThrows(StylizeException.class,
                () -> JobJson.parseResult(doc.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorCode.INVALID_JSON, e.code());
        assertTrue(e.getMessage().startsWith("outputs[0].width: "), e.getMessage());

        String progress = "{\"schemaVersion\":1,\"jobId\":\"j\",\"attempt\":1,\"phase\":\"DENOISING\",\"step\":29,"
                + "\"steps\":28,\"progress\":0.5}";
        e = assertThrows(StylizeException.class, () -> JobJson.parseProgress(progress.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorCode.INVALID_JSON, e.code());
        assertTrue(e.getMessage().contains("step 29 of 28"), e.getMessage());
    }

    @Test
    void unknownFieldsInEventsAreIgnored() {
        String doc = GOLDEN_SUCCEEDED.replace("\"attempt\":1,", "\"attempt\":1,\"worker\":{\"host\":\"gpu-3\"},")
                .replace("\"width\":1024", "\"width\":1024,\"dpi\":72");
        assertEquals(succeeded(), JobJson.parseResult(doc.getBytes(StandardCharsets.UTF_8)));
        assertEquals("", Schemas.result(Schemas.tree(doc.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void statusFollowsTheErrorCode() {
        for (ErrorCode c : ErrorCode.values()) {
            JobStatus expected = c == ErrorCode.CANCELLED ? JobStatus.CANCELLED
                    : c == ErrorCode.DEADLINE_EXPIRED ? JobStatus.EXPIRED : JobStatus.FAILED;
            ResultEvent e = ResultEvent.failed("j", 1, c, "m", Map.of(), null, null);
            assertEquals(expected, e.status());
            assertEquals("", Schemas.result(Schemas.tree(JobJson.write(e))), c.name());
        }
    }

    @Test
    void longErrorMessagesAreCut() {
        ErrorInfo info = ErrorInfo.of(ErrorCode.INTERNAL, "x".repeat(5000));
        assertEquals(ErrorInfo.MAX_MESSAGE_CHARS, info.message().length());
        assertTrue(info.message().endsWith("…"));
        assertEquals(ErrorCode.INTERNAL, info.errorCode().orElseThrow());
        assertTrue(new ErrorInfo("FROM_THE_FUTURE", "m").errorCode().isEmpty());
    }

    private static JsonNode parse(String json) {
        return Schemas.tree(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
