package dev.stylize.worker;

import static dev.stylize.worker.CorpusImages.GRAY;
import static dev.stylize.worker.CorpusImages.GRAY_ALPHA;
import static dev.stylize.worker.CorpusImages.PALETTE;
import static dev.stylize.worker.CorpusImages.RGB;
import static dev.stylize.worker.CorpusImages.RGBA;
import static dev.stylize.worker.CorpusImages.ascii;
import static dev.stylize.worker.CorpusImages.chunk;
import static dev.stylize.worker.CorpusImages.concat;
import static dev.stylize.worker.CorpusImages.cut;
import static dev.stylize.worker.CorpusImages.flip;
import static dev.stylize.worker.CorpusImages.ihdr;
import static dev.stylize.worker.CorpusImages.indexOf;
import static dev.stylize.worker.CorpusImages.pngOf;
import static dev.stylize.worker.CorpusImages.random;
import static dev.stylize.worker.CorpusImages.zlib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.cli.WorkerProcess;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobStatus;
import dev.stylize.job.Printable;
import dev.stylize.job.ResultEvent;
import dev.stylize.messaging.KafkaJobEvents;
import dev.stylize.runtime.Sha256;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A corpus of a few hundred bad inputs (and a few valid but unusual ones) sent through the real broker to one
 * worker process: malformed and invalid requests, images that are empty, damaged, bombs, in unknown formats or
 * of the wrong size, objects that are missing, too large or in buckets off the allow-list. Every case states
 * the outcome the message contract (docs/message-contract.md) prescribes, and the test checks each exactly:
 * dead-lettered with the code, the original key and bytes (and a FAILED result with the same code and message
 * when the jobId is readable and well-formed), or a result with the status and code. Afterwards the worker must
 * still be alive, healthy, and able to run a job.
 *
 * <p>Hand-written requests are under {@code src/test/resources/corpus/} ({@code requests.tsv} says what each one
 * must give); the rest are generated here. Not covered here (see their own tests): tombstones (null values),
 * records near the broker's size limit, keys with control characters and the reuse of a jobId.
 */
class BadInputCorpusIT extends WorkerItBase {
    /** The worker's dead-letter value limit in this test (STYLIZE_DLQ_MAX_VALUE_BYTES); larger copies are cut. */
    static final int DLQ_MAX_VALUE_BYTES = 256 * 1024;
    /** The worker's object size limit in this test (STYLIZE_MAX_OBJECT_BYTES); its default is 64 MiB. */
    static final int MAX_OBJECT_BYTES = 2 << 20;
    static final Duration OUTCOMES_TIMEOUT = Duration.ofMinutes(3);
    static final String PREFIX = "it/corpus";
    static final ObjectMapper JSON = new ObjectMapper();

    enum Outcome {
        /** Dead-lettered; no result (the bytes are not a JSON object, or its jobId is absent or malformed). */
        DLQ,
        /** Dead-lettered, and a FAILED result with the same code and message for the jobId (= the key). */
        DLQ_AND_RESULT,
        FAILED,
        EXPIRED,
        SUCCEEDED
    }

    /**
     * @param noResultFor for DLQ cases: job ids that must get no result (the key, and the request's own jobId
     *                    when it has a malformed one)
     */
    record Case(String category, String name, String key, byte[] value, Outcome outcome, String code,
            Set<String> noResultFor) {
        String label() {
            return category + "/" + name + " [" + key + "]";
        }
    }

    private String run;
    private int counter;
    private final List<Case> cases = new ArrayList<>();

    @Test
    void everyBadInputGetsItsContractOutcomeAndTheWorkerCarriesOn() throws Exception {
        run = UUID.randomUUID().toString().substring(0, 8);
        long t0 = System.nanoTime();
        buildCorpus();
        assertTrue(cases.size() >= 200, "corpus size " + cases.size());
        assertEquals(cases.size(), cases.stream().map(Case::key).distinct().count(), "keys are distinct");

        try (WorkerProcess w = worker("bad-input-corpus", null, List.of(),
                Map.of("STYLIZE_MAX_OBJECT_BYTES", Integer.toString(MAX_OBJECT_BYTES),
                        "STYLIZE_DLQ_MAX_VALUE_BYTES", Integer.toString(DLQ_MAX_VALUE_BYTES)))) {
            // The probe's "latest" positions are fixed by its first polls; poll now, or the outcomes published
            // before its next poll would be skipped.
            kafka.drain(Duration.ofSeconds(2));
            long started = System.nanoTime();
            for (Case c : cases) {
                kafka.send(kafka.topic("requests"), c.key(), c.value());
            }
            long submitted = System.nanoTime();
            Outcomes seen = collectOutcomes();
            long done = System.nanoTime();

            List<String> problems = new ArrayList<>();
            for (Case c : cases) {
                check(c, seen, problems);
            }
            System.out.println(summary(problems, started, submitted, done, t0));

            // The corpus did not hurt the worker: alive, healthy, and it still runs a job.
            assertTrue(w.isAlive(), w.logTail());
            assertHealthUp(w, "/q/health/live");
            assertHealthUp(w, "/q/health/ready");
            String after = jobId("bic-after");
            kafka.submit(after, request(after, "composite", "in/a.png", "in/b.png", "in/l-mask.png", "\"steps\":2"));
            ResultEvent r = kafka.awaitResult(after, RESULT_TIMEOUT);
            assertEquals(JobStatus.SUCCEEDED, r.status(), () -> "after the corpus: " + r.error());
            assertEquals(96, fetchOutput(r).width());

            assertTrue(problems.isEmpty(), problems.size() + " of " + cases.size() + " cases disagree with the"
                    + " contract:\n  " + String.join("\n  ", problems));
        }
    }

    // ---- outcomes --------------------------------------------------------------------------------------------

    /** The DLQ and result records of this run, by key. */
    private static final class Outcomes {
        final Map<String, List<ConsumerRecord<String, byte[]>>> dlq = new HashMap<>();
        final Map<String, List<ConsumerRecord<String, byte[]>>> results = new HashMap<>();
        private final Set<String> offsets = new HashSet<>();

        void add(ConsumerRecord<String, byte[]> r, String dlqTopic, String resultsTopic) {
            if (!offsets.add(r.topic() + "/" + r.partition() + "/" + r.offset())) {
                return; // the probe hands out records it has already seen
            }
            if (r.topic().equals(dlqTopic)) {
                dlq.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            } else if (r.topic().equals(resultsTopic)) {
                results.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
        }
    }

    /** Waits (bounded) until every case has its expected records, then a little longer for unexpected ones. */
    private Outcomes collectOutcomes() {
        Outcomes o = new Outcomes();
        String dlqTopic = kafka.topic("dlq");
        String resultsTopic = kafka.topic("results");
        try {
            kafka.await(r -> {
                o.add(r, dlqTopic, resultsTopic);
                return cases.stream().allMatch(c -> arrived(c, o));
            }, OUTCOMES_TIMEOUT);
        } catch (AssertionError timedOut) {
            // reported case by case below
        }
        try {
            // A record that should not exist (a second result, a result for a DLQ-only case) is published right
            // after the expected ones of its case; 3 s more catches it.
            kafka.await(r -> {
                o.add(r, dlqTopic, resultsTopic);
                return false;
            }, Duration.ofSeconds(3));
        } catch (AssertionError expected) {
            // the drain always runs to its end
        }
        return o;
    }

    private static boolean arrived(Case c, Outcomes o) {
        return switch (c.outcome()) {
            case DLQ -> o.dlq.containsKey(c.key());
            case DLQ_AND_RESULT -> o.dlq.containsKey(c.key()) && o.results.containsKey(c.key());
            default -> o.results.containsKey(c.key());
        };
    }

    private void check(Case c, Outcomes o, List<String> problems) {
        List<ConsumerRecord<String, byte[]>> dlq = o.dlq.getOrDefault(c.key(), List.of());
        List<ConsumerRecord<String, byte[]>> results = o.results.getOrDefault(c.key(), List.of());
        List<String> wrong = new ArrayList<>();
        boolean dead = c.outcome() == Outcome.DLQ || c.outcome() == Outcome.DLQ_AND_RESULT;
        String dlqMessage = null;
        if (dead) {
            if (dlq.size() != 1) {
                wrong.add(dlq.size() + " DLQ records, expected 1");
            } else {
                ConsumerRecord<String, byte[]> d = dlq.get(0);
                String code = header(d, KafkaJobEvents.HEADER_ERROR_CODE);
                dlqMessage = header(d, KafkaJobEvents.HEADER_ERROR_MESSAGE);
                if (!c.code().equals(code)) {
                    wrong.add("DLQ code " + code + " (" + dlqMessage + ")");
                }
                checkDeadLetterValue(c.value(), d, wrong);
                if (dlqMessage == null || dlqMessage.isBlank() || dlqMessage.length() > 2000) {
                    wrong.add("DLQ message missing or over 2000 characters");
                }
            }
        } else if (!dlq.isEmpty()) {
            wrong.add("dead-lettered with " + header(dlq.get(0), KafkaJobEvents.HEADER_ERROR_CODE) + " ("
                    + header(dlq.get(0), KafkaJobEvents.HEADER_ERROR_MESSAGE) + ")");
        }
        if (c.outcome() == Outcome.DLQ) {
            for (String id : c.noResultFor()) {
                List<ConsumerRecord<String, byte[]>> extra = o.results.getOrDefault(id, List.of());
                if (!extra.isEmpty()) {
                    ResultEvent r = JobJson.parseResult(extra.get(0).value());
                    wrong.add("a result for job '" + id + "': " + r.status() + " " + r.error());
                }
            }
        } else {
            if (results.size() != 1) {
                wrong.add(results.size() + " results, expected 1"
                        + (results.isEmpty() ? "" : ": " + describe(JobJson.parseResult(results.get(0).value()))));
            } else {
                ResultEvent r = JobJson.parseResult(results.get(0).value());
                checkResult(c, r, dlqMessage, wrong);
            }
        }
        if (!wrong.isEmpty()) {
            problems.add(c.label() + ": expected " + c.outcome() + (c.code() == null ? "" : " " + c.code()) + "; got "
                    + String.join("; ", wrong));
        }
    }

    /** The request's bytes, or, past the worker's dead-letter limit, their prefix with the original's size and hash. */
    private static void checkDeadLetterValue(byte[] request, ConsumerRecord<String, byte[]> d, List<String> wrong) {
        if (request.length <= DLQ_MAX_VALUE_BYTES) {
            if (!Arrays.equals(request, d.value())) {
                wrong.add("DLQ value differs from the request's bytes");
            }
            return;
        }
        if (!Arrays.equals(Arrays.copyOf(request, DLQ_MAX_VALUE_BYTES), d.value())) {
            wrong.add("DLQ value is not the request's first " + DLQ_MAX_VALUE_BYTES + " bytes");
        }
        if (!Integer.toString(request.length).equals(header(d, KafkaJobEvents.HEADER_ORIGINAL_SIZE))
                || !Sha256.of(request).equals(header(d, KafkaJobEvents.HEADER_ORIGINAL_SHA256))) {
            wrong.add("a cut DLQ value without the original's size and sha256 headers");
        }
    }

    private void checkResult(Case c, ResultEvent r, String dlqMessage, List<String> wrong) {
        JobStatus status = switch (c.outcome()) {
            case SUCCEEDED -> JobStatus.SUCCEEDED;
            case EXPIRED -> JobStatus.EXPIRED;
            default -> JobStatus.FAILED;
        };
        String code = r.error() == null ? null : r.error().code();
        if (r.status() != status || !Objects.equals(c.code(), code)) {
            wrong.add("result " + describe(r));
            return;
        }
        if (!r.jobId().equals(c.key())) {
            wrong.add("result for job " + r.jobId());
        }
        if (c.outcome() == Outcome.DLQ_AND_RESULT) {
            if (r.attempt() != 1) {
                wrong.add("result attempt " + r.attempt());
            }
            // The header is the result's message with control characters escaped (it may quote the input).
            if (dlqMessage != null && !dlqMessage.equals(Printable.of(r.error().message()))) {
                wrong.add("result message '" + r.error().message() + "' differs from the DLQ's '" + dlqMessage + "'");
            }
        }
        if (c.outcome() == Outcome.SUCCEEDED) {
            try {
                fetchOutput(r); // the output exists, matches its sha256 and decodes to the size the result says
            } catch (AssertionError | RuntimeException e) {
                wrong.add("output: " + e.getMessage());
            }
        }
    }

    private static String describe(ResultEvent r) {
        return r.status() + (r.error() == null ? "" : " " + r.error().code() + " (" + r.error().message() + ")");
    }

    private String summary(List<String> problems, long started, long submitted, long done, long t0) {
        Map<String, Map<Outcome, Integer>> byCategory = new TreeMap<>();
        for (Case c : cases) {
            byCategory.computeIfAbsent(c.category(), k -> new TreeMap<>()).merge(c.outcome(), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "BAD-INPUT CORPUS: %d cases, %d disagree; corpus built and uploaded in %.1f s, submitted in %.1f s,"
                        + " all outcomes after %.1f s%n", cases.size(), problems.size(), (started - t0) / 1e9,
                (submitted - started) / 1e9, (done - started) / 1e9));
        byCategory.forEach((category, counts) -> sb.append(String.format(Locale.ROOT, "  %-22s %4d  %s%n", category,
                counts.values().stream().mapToInt(Integer::intValue).sum(), counts)));
        return sb.toString();
    }

    private static void assertHealthUp(WorkerProcess w, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + w.httpPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), path + ": " + res.body());
        assertEquals("UP", JSON.readTree(res.body()).path("status").asText(), path + ": " + res.body());
    }

    // ---- the corpus ------------------------------------------------------------------------------------------

    private void buildCorpus() throws IOException {
        // Inputs the hand-written requests name by fixed keys (in/a.png is 64×64, in/b.png and in/l-mask.png 96×64).
        store.put(BUCKET, "corpus/fixed/ref-mask.png", CorpusImages.grayPng(64, 64, 255), "image/png", Map.of());
        handWritten();
        notJson();
        wrongTypes();
        schemaVersion();
        requiredFields();
        modes();
        targetAndMaskRules();
        ranges();
        jobIds();
        prefixes();
        deadlines();
        prompts();
        storage();
        images();
        masks();
        valid();
    }

    private String nextKey() {
        return String.format(Locale.ROOT, "bic-%s-%03d", run, ++counter);
    }

    /** A case whose request is {@code value(key)}; a DLQ case must get no result under its key. */
    private void add(String category, String name, Function<String, byte[]> value, Outcome outcome, String code) {
        String key = nextKey();
        cases.add(new Case(category, name, key, value.apply(key), outcome, code, Set.of(key)));
    }

    /** A request rejected before any work: dead-lettered, and answered with a FAILED result for its jobId. */
    private void rejected(String category, String name, String code, Function<String, byte[]> value) {
        add(category, name, value, Outcome.DLQ_AND_RESULT, code);
    }

    private void handWritten() throws IOException {
        for (String line : resource("requests.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            String template = resource("requests/" + f[0]);
            Outcome outcome = switch (f[1]) {
                case "dlq" -> Outcome.DLQ;
                case "dlq+result" -> Outcome.DLQ_AND_RESULT;
                case "failed" -> Outcome.FAILED;
                case "expired" -> Outcome.EXPIRED;
                case "succeeded" -> Outcome.SUCCEEDED;
                default -> throw new IllegalArgumentException(line);
            };
            add("hand-written", f[0], key -> template.replace("@JOB@", key).getBytes(StandardCharsets.UTF_8), outcome,
                    f.length > 2 ? f[2] : null);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = BadInputCorpusIT.class.getResourceAsStream("/corpus/" + name)) {
            if (in == null) {
                throw new IOException("no resource /corpus/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void notJson() {
        String c = "not-json";
        add(c, "empty value", k -> new byte[0], Outcome.DLQ, "INVALID_JSON");
        add(c, "whitespace only", k -> ascii(" \n\t\r "), Outcome.DLQ, "INVALID_JSON");
        add(c, "plain text", k -> ascii("hello " + k), Outcome.DLQ, "INVALID_JSON");
        add(c, "half an object", k -> ascii("{this is not json " + k), Outcome.DLQ, "INVALID_JSON");
        add(c, "xml", k -> ascii("<request><jobId>" + k + "</jobId></request>"), Outcome.DLQ, "INVALID_JSON");
        add(c, "random bytes", k -> random(300, 1), Outcome.DLQ, "INVALID_JSON");
        add(c, "NUL bytes", k -> new byte[16], Outcome.DLQ, "INVALID_JSON");
        add(c, "invalid UTF-8 in a string", k -> {
            byte[] text = edit(base("composite", k), "prompt", "\"@@BAD@@\"");
            String s = new String(text, StandardCharsets.ISO_8859_1);
            return s.replace("@@BAD@@", "ok\u00C3\u0028ok").getBytes(StandardCharsets.ISO_8859_1);
        }, Outcome.DLQ, "INVALID_JSON");
        // Truncations of a valid request: every one keeps "jobId":"<key>" readable as text, but is not JSON.
        for (double fraction : new double[] {0.0, 0.25, 0.5, 0.75, 0.999}) {
            add("truncated", "cut at " + fraction, k -> {
                byte[] whole = edit(base("composite", k));
                return cut(whole, Math.max(1, Math.min(whole.length - 1, (int) (whole.length * fraction))));
            }, Outcome.DLQ, "INVALID_JSON");
        }
        add("truncated", "closing brace missing", k -> {
            byte[] whole = edit(base("composite", k));
            return cut(whole, whole.length - 1);
        }, Outcome.DLQ, "INVALID_JSON");
        // Nesting beyond the parser's depth limit (Jackson's 1000): not JSON the worker can read.
        add("nesting", "100000 arrays in an unknown field", k -> edit(base("composite", k), "x",
                "[".repeat(100_000) + "]".repeat(100_000)), Outcome.DLQ, "INVALID_JSON");
        add("nesting", "100000 objects in an unknown field", k -> edit(base("composite", k), "x",
                "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)), Outcome.DLQ, "INVALID_JSON");
        // Within the limit, it is JSON: a known field of the wrong type, an unknown field ignored.
        rejected("nesting", "500 arrays as params.steps", "INVALID_JSON",
                k -> edit(base("composite", k), "params.steps", "[".repeat(500) + "]".repeat(500)));
        add("nesting", "200 objects in an unknown field", k -> edit(base("composite", k), "x",
                "{\"a\":".repeat(200) + "1" + "}".repeat(200)), Outcome.SUCCEEDED, null);
        // Over the parser's number length limit (Jackson's 1000 digits).
        add("huge-numbers", "steps of 2000 digits", k -> edit(base("composite", k), "params.steps", "9".repeat(2000)),
                Outcome.DLQ, "INVALID_JSON");
    }

    private void wrongTypes() {
        String[] notString = {"5", "true", "{}"};
        String[] notNumber = {"\"1\"", "true", "[]"};
        String[] notInteger = {"\"1\"", "1.5", "false"};
        String[] notObject = {"\"x\"", "1", "[]"};
        // jobId of the wrong type: no readable id, so no result.
        for (String v : new String[] {"17", "true", "{}", "[\"x\"]"}) {
            add("wrong-type", "jobId = " + v, k -> edit(base("composite", k), "jobId", v), Outcome.DLQ,
                    "INVALID_JSON");
        }
        for (String field : new String[] {"mode", "reference[0].bucket", "reference[0].key", "target.bucket",
                "target.key", "mask.bucket", "mask.key", "reference[0].mask.key", "prompt", "params.referenceBlend",
                "params.layout", "output.bucket", "output.prefix", "output.format", "deadline"}) {
            for (String v : notString) {
                rejected("wrong-type", field + " = " + v, "INVALID_JSON", k -> edit(base("composite", k), field, v));
            }
        }
        for (String field : new String[] {"reference[0].weight", "params.guidance", "params.strength",
                "params.reduxStrength"}) {
            for (String v : notNumber) {
                rejected("wrong-type", field + " = " + v, "INVALID_JSON", k -> edit(base("composite", k), field, v));
            }
        }
        for (String field : new String[] {"params.steps", "params.seed", "params.reduxDownsample",
                "params.previewEvery", "params.outpaint.left"}) {
            for (String v : notInteger) {
                rejected("wrong-type", field + " = " + v, "INVALID_JSON", k -> edit(base("composite", k), field, v));
            }
        }
        for (String v : new String[] {"\"true\"", "1", "[]"}) {
            rejected("wrong-type", "params.pasteBack = " + v, "INVALID_JSON",
                    k -> edit(base("composite", k), "params.pasteBack", v));
        }
        for (String field : new String[] {"reference[0]", "reference[0].mask", "target", "mask", "params",
                "params.outpaint", "output"}) {
            for (String v : notObject) {
                rejected("wrong-type", field + " = " + v, "INVALID_JSON", k -> edit(base("composite", k), field, v));
            }
        }
        for (String v : new String[] {"{\"bucket\":\"stylize\",\"key\":\"in/a.png\"}", "\"in/a.png\"", "1"}) {
            rejected("wrong-type", "reference = " + v, "INVALID_JSON", k -> edit(base("composite", k), "reference", v));
        }
        rejected("wrong-type", "reference = [null]", "INVALID_JSON", k -> edit(base("composite", k), "reference", "[null]"));
        // NaN-like strings are strings, not numbers.
        for (String[] fv : new String[][] {{"params.guidance", "\"NaN\""}, {"params.guidance", "\"Infinity\""},
                {"params.reduxStrength", "\"-Infinity\""}, {"reference[0].weight", "\"NaN\""},
                {"params.steps", "\"1e400\""}, {"params.strength", "\"0.5\""}}) {
            rejected("nan-like-strings", fv[0] + " = " + fv[1], "INVALID_JSON",
                    k -> edit(base("composite", k), fv[0], fv[1]));
        }
    }

    private void schemaVersion() {
        String c = "schema-version";
        rejected(c, "missing", "SCHEMA_VERSION_UNSUPPORTED", k -> edit(base("composite", k), "schemaVersion", null));
        rejected(c, "null", "SCHEMA_VERSION_UNSUPPORTED", k -> edit(base("composite", k), "schemaVersion", "null"));
        // "A missing one, or any other number, is SCHEMA_VERSION_UNSUPPORTED; one that is not a number is
        // INVALID_JSON."
        for (String v : new String[] {"0", "2", "-1", "99999999999999999999", "1.5", "1e400"}) {
            rejected(c, "= " + v, "SCHEMA_VERSION_UNSUPPORTED", k -> edit(base("composite", k), "schemaVersion", v));
        }
        for (String v : new String[] {"\"1\"", "true", "[1]", "{}"}) {
            rejected(c, "= " + v, "INVALID_JSON", k -> edit(base("composite", k), "schemaVersion", v));
        }
        // Checked before anything else: a version-2 message with other faults is still a version problem.
        rejected(c, "2 with a bad mode and steps", "SCHEMA_VERSION_UNSUPPORTED", k -> edit(base("composite", k),
                "schemaVersion", "2", "mode", "\"paint\"", "params.steps", "\"x\""));
    }

    private void requiredFields() {
        String c = "required";
        add(c, "jobId missing", k -> edit(base("composite", k), "jobId", null), Outcome.DLQ, "INVALID_REQUEST");
        add(c, "jobId null", k -> edit(base("composite", k), "jobId", "null"), Outcome.DLQ, "INVALID_REQUEST");
        String[][] missing = {
            {"mode", null}, {"mode", "null"}, {"reference", null}, {"reference", "null"}, {"reference", "[]"},
            {"reference[0].bucket", null}, {"reference[0].key", null}, {"reference[0].bucket", "\"\""},
            {"reference[0].key", "\" \\t\""}, {"reference[0].bucket", "\"\\n\""},
            {"reference[0].mask", "{}"}, {"reference[0].mask", "{\"bucket\":\"stylize\"}"},
            {"target", "{}"}, {"target.key", "\"\""}, {"target.bucket", null},
            {"mask", "{\"bucket\":\"stylize\"}"}, {"mask", "{\"key\":\"in/l-mask.png\",\"bucket\":\" \"}"},
            {"output", null}, {"output", "null"}, {"output", "{}"}, {"output.bucket", "\"\""},
            {"output.bucket", "\"   \""}, {"output", "{\"prefix\":\"x\",\"format\":\"png\"}"}};
        for (String[] m : missing) {
            rejected(c, m[0] + (m[1] == null ? " missing" : " = " + m[1]), "INVALID_REQUEST",
                    k -> edit(base("composite", k), m[0], m[1]));
        }
    }

    private void modes() {
        for (String m : new String[] {"sketch", "COMPOSITE", "Composite", "", " composite", "inpaint ",
                "compos\\u0000ite", "outpainting", "variations"}) {
            rejected("mode", "\"" + m + "\"", "UNKNOWN_MODE", k -> edit(base("composite", k), "mode", "\"" + m + "\""));
        }
    }

    private void targetAndMaskRules() {
        String c = "target-and-mask";
        for (String mode : new String[] {"composite", "restyle", "inpaint", "outpaint"}) {
            rejected(c, mode + " without target", "INVALID_REQUEST", k -> edit(base(mode, k), "target", null));
        }
        rejected(c, "composite with target null", "INVALID_REQUEST", k -> edit(base("composite", k), "target", "null"));
        rejected(c, "variation with a target", "INVALID_REQUEST",
                k -> edit(base("variation", k), "target", ref("in/b.png")));
        for (String mode : new String[] {"restyle", "variation", "outpaint"}) {
            rejected(c, mode + " with a mask", "INVALID_REQUEST", k -> edit(base(mode, k), "mask", ref("in/l-mask.png")));
        }
        rejected(c, "inpaint without mask", "INVALID_REQUEST", k -> edit(base("inpaint", k), "mask", null));
        rejected(c, "inpaint with mask null", "INVALID_REQUEST", k -> edit(base("inpaint", k), "mask", "null"));
    }

    private void ranges() {
        String c = "out-of-range";
        String[][] params = {
            {"steps", "0"}, {"steps", "201"}, {"steps", "-1"}, {"steps", "-0"}, {"steps", "2147483648"},
            {"steps", "99999999999999999999"}, {"steps", "1e400"}, {"steps", "2.01e2"},
            {"guidance", "-0.001"}, {"guidance", "100.001"}, {"guidance", "-1e308"}, {"guidance", "1e400"},
            {"seed", "9223372036854775808"}, {"seed", "-9223372036854775809"}, {"seed", "1e30"},
            {"strength", "0"}, {"strength", "0.0"}, {"strength", "-0.5"}, {"strength", "1.0000001"},
            {"reduxStrength", "-0.001"}, {"reduxStrength", "10.001"},
            {"reduxDownsample", "0"}, {"reduxDownsample", "10"},
            {"previewEvery", "-1"}, {"previewEvery", "201"},
            {"referenceBlend", "\"mix\""}, {"referenceBlend", "\"SUM\""}, {"referenceBlend", "\"\""},
            {"layout", "\"diagonal\""}, {"layout", "\"Vertical\""},
            {"outpaint", "{\"left\":-1}"}};
        for (String[] p : params) {
            rejected(c, "params." + p[0] + " = " + p[1], "PARAM_OUT_OF_RANGE",
                    k -> edit(base("composite", k), "params." + p[0], p[1]));
        }
        // 400 digits: still a JSON number the parser reads, far outside 32 bits.
        rejected("huge-numbers", "steps of 400 digits", "PARAM_OUT_OF_RANGE",
                k -> edit(base("composite", k), "params.steps", "9".repeat(400)));
        rejected("huge-numbers", "weight 1e400", "PARAM_OUT_OF_RANGE",
                k -> edit(base("composite", k), "reference[0].weight", "1e400"));
        for (String side : new String[] {"left", "right", "top", "bottom"}) {
            for (String v : new String[] {"-1", "4097"}) {
                rejected(c, "outpaint." + side + " = " + v, "PARAM_OUT_OF_RANGE",
                        k -> edit(base("outpaint", k), "params.outpaint", "{\"" + side + "\":" + v + "}"));
            }
        }
        for (String v : new String[] {"{}", "{\"left\":0,\"right\":0,\"top\":0,\"bottom\":0}", "{\"left\":null}",
                "null"}) {
            rejected(c, "outpaint mode with outpaint = " + v, "PARAM_OUT_OF_RANGE",
                    k -> edit(base("outpaint", k), "params.outpaint", v));
        }
        rejected(c, "outpaint mode with params null", "PARAM_OUT_OF_RANGE",
                k -> edit(base("outpaint", k), "params", "null"));
        for (String f : new String[] {"\"gif\"", "\"PNG\"", "\"jpg\"", "\"\"", "\"tiff\""}) {
            rejected(c, "output.format = " + f, "PARAM_OUT_OF_RANGE", k -> edit(base("composite", k), "output.format", f));
        }
        for (String w : new String[] {"-0.001", "10.001", "-1e400"}) {
            rejected("references", "weight " + w, "PARAM_OUT_OF_RANGE",
                    k -> edit(base("composite", k), "reference[0].weight", w));
        }
        rejected("references", "second reference weight 11", "PARAM_OUT_OF_RANGE", k -> edit(base("composite", k),
                "reference", "[" + ref("in/a.png") + ",{\"bucket\":\"stylize\",\"key\":\"in/b.png\",\"weight\":11}]"));
        for (int n : new int[] {5, 9}) {
            rejected("references", n + " references", "PARAM_OUT_OF_RANGE", k -> edit(base("composite", k),
                    "reference", "[" + String.join(",", Collections.nCopies(n, ref("in/a.png"))) + "]"));
        }
    }

    private void jobIds() {
        String c = "job-id";
        // Malformed ids: dead-lettered, and no result under the key or under the id itself.
        Function<String, String[]> bad = k -> new String[] {
            k + "x".repeat(129 - k.length()), k + "y".repeat(1000), k + "/x", "x/" + k, k + " x", k + ":x",
            k + "\\x", k + "%2F", k + "+1", k + "~", k + "\u00FC", k + "\uD83D\uDE00", k + "\u0000", k + "\n", "..",
            ".", "....", "", "\u0130" + k};
        int n = bad.apply("").length;
        for (int i = 0; i < n; i++) {
            int at = i;
            String key = nextKey();
            String id = bad.apply(key)[at];
            byte[] value = edit(base("composite", key), "jobId", quote(id));
            cases.add(new Case(c, "jobId '" + printable(id) + "'", key, value, Outcome.DLQ, "INVALID_REQUEST",
                    Set.of(key, id)));
        }
    }

    private void prefixes() {
        for (String p : new String[] {"/abs", "/", "a/../b", "..", "../x", "a/..", "x/.../y", "a\\\\..\\\\b",
                "//double"}) {
            rejected("output-prefix", "\"" + p + "\"", "INVALID_REQUEST",
                    k -> edit(base("composite", k), "output.prefix", "\"" + p + "\""));
        }
    }

    private void deadlines() {
        String c = "deadline";
        for (String d : new String[] {"tomorrow", "", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-01-01T00:00:00", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00+24:00", "2026-01-01T00:00Z",
                "+10000-01-01T00:00:00Z", "1767225600"}) {
            rejected(c, "\"" + d + "\"", "INVALID_REQUEST", k -> edit(base("composite", k), "deadline", quote(d)));
        }
        rejected(c, "a number", "INVALID_JSON", k -> edit(base("composite", k), "deadline", "1767225600"));
        add(c, "passed", k -> edit(base("composite", k), "deadline", "\"2000-01-01T00:00:00Z\""), Outcome.EXPIRED,
                "DEADLINE_EXPIRED");
        add(c, "passed, with an offset", k -> edit(base("variation", k), "deadline", "\"2020-06-01T12:00:00.5-07:00\""),
                Outcome.EXPIRED, "DEADLINE_EXPIRED");
    }

    private void prompts() {
        rejected("prompt", "10001 characters", "INVALID_REQUEST",
                k -> edit(base("composite", k), "prompt", quote("x".repeat(10_001))));
        rejected("prompt", "10001 code points (emoji)", "INVALID_REQUEST",
                k -> edit(base("composite", k), "prompt", quote("\uD83C\uDFA8".repeat(10_001))));
        add("prompt", "10000 code points (emoji)", k -> edit(base("composite", k), "prompt",
                quote("\uD83C\uDFA8".repeat(10_000))), Outcome.SUCCEEDED, null);
    }

    private void storage() {
        String c = "bucket-not-allowed";
        String[][] buckets = {{"reference[0].bucket", "other"}, {"reference[0].bucket", "*"},
            {"reference[0].bucket", " stylize"}, {"target.bucket", "STYLIZE"}, {"mask.bucket", "stylize2"},
            {"reference[0].mask", "{\"bucket\":\"other\",\"key\":\"in/a.png\"}"}, {"output.bucket", "outputs"},
            {"output.bucket", "../stylize"}};
        for (String[] b : buckets) {
            String raw = b[1].startsWith("{") ? b[1] : quote(b[1]);
            add(c, b[0] + " = " + b[1], k -> edit(withMask(base("composite", k)), b[0], raw), Outcome.FAILED,
                    "BUCKET_NOT_ALLOWED");
        }
        String n = "object-not-found";
        String[][] missing = {{"reference[0].key", "in/missing.png"}, {"reference[0].mask", ref("in/missing.png")},
            {"target.key", "in/missing.png"}, {"mask", ref("in/missing.png")}, {"target.key", "in/"},
            {"target.key", "in/A.PNG"}, {"reference[0].key", "in/\u00FC \u00F1.png"}};
        for (String[] m : missing) {
            String raw = m[1].startsWith("{") ? m[1] : quote(m[1]);
            add(n, m[0] + " = " + m[1], k -> edit(base("composite", k), m[0], raw), Outcome.FAILED, "OBJECT_NOT_FOUND");
        }
        String t = "object-too-large";
        byte[] over = concat(CorpusImages.PNG_SIGNATURE, random(MAX_OBJECT_BYTES + 1 - 8, 9));
        imageCase(t, "target one byte over the limit", Slot.TARGET, over, Outcome.FAILED, "OBJECT_TOO_LARGE");
        imageCase(t, "mask one byte over the limit", Slot.MASK, over, Outcome.FAILED, "OBJECT_TOO_LARGE");
        imageCase(t, "reference of 3 MiB", Slot.REFERENCE, random(3 << 20, 10), Outcome.FAILED, "OBJECT_TOO_LARGE");
        imageCase(t, "valid PNG of exactly the limit", Slot.TARGET, CorpusImages.pngOfExactSize(MAX_OBJECT_BYTES),
                Outcome.SUCCEEDED, null);
    }

    private void images() {
        String u = "unsupported-format";
        imageCase(u, "zero bytes", Slot.TARGET, new byte[0], Outcome.FAILED, "UNSUPPORTED_FORMAT");
        imageCase(u, "zero bytes as reference", Slot.REFERENCE, new byte[0], Outcome.FAILED, "UNSUPPORTED_FORMAT");
        imageCase(u, "random bytes", Slot.TARGET, concat(new byte[] {0x13}, random(999, 3)), Outcome.FAILED,
                "UNSUPPORTED_FORMAT");
        imageCase(u, "text", Slot.TARGET, ascii("just some text, not an image"), Outcome.FAILED, "UNSUPPORTED_FORMAT");
        imageCase(u, "svg", Slot.REFERENCE, ascii("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"/>"),
                Outcome.FAILED, "UNSUPPORTED_FORMAT");
        imageCase(u, "tiff", Slot.TARGET, CorpusImages.imageIo(CorpusImages.rgbImage(8, 8), "tiff"), Outcome.FAILED,
                "UNSUPPORTED_FORMAT");
        imageCase(u, "big-endian tiff header", Slot.TARGET, concat(ascii("MM"), new byte[] {0, 42, 0, 0, 0, 8},
                random(64, 4)), Outcome.FAILED, "UNSUPPORTED_FORMAT");
        imageCase(u, "pdf", Slot.TARGET, ascii("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
                Outcome.FAILED, "UNSUPPORTED_FORMAT");
        imageCase(u, "ico", Slot.TARGET, concat(new byte[] {0, 0, 1, 0, 1, 0, 16, 16}, random(64, 5)), Outcome.FAILED,
                "UNSUPPORTED_FORMAT");
        imageCase(u, "psd", Slot.TARGET, concat(ascii("8BPS"), new byte[] {0, 1}, random(64, 6)), Outcome.FAILED,
                "UNSUPPORTED_FORMAT");
        imageCase(u, "heic", Slot.TARGET, concat(new byte[] {0, 0, 0, 0x18}, ascii("ftypheic"), random(64, 7)),
                Outcome.FAILED, "UNSUPPORTED_FORMAT");
        imageCase(u, "jpeg xl", Slot.TARGET, concat(new byte[] {(byte) 0xFF, 0x0A}, random(64, 8)), Outcome.FAILED,
                "UNSUPPORTED_FORMAT");
        imageCase(u, "half a PNG signature", Slot.TARGET, Arrays.copyOf(CorpusImages.PNG_SIGNATURE, 4), Outcome.FAILED,
                "UNSUPPORTED_FORMAT");
        imageCase(u, "cmyk jpeg", Slot.TARGET, CorpusImages.cmykJpeg(), Outcome.FAILED, "UNSUPPORTED_FORMAT");
        imageCase(u, "interlaced gif of 3 rows", Slot.TARGET, CorpusImages.interlacedGif(8, 3), Outcome.FAILED,
                "UNSUPPORTED_FORMAT");

        String d = "damaged";
        byte[] png = CorpusImages.rgbPng(32, 32);
        int idat = indexOf(png, "IDAT");
        imageCase(d, "PNG signature then garbage", Slot.TARGET, concat(CorpusImages.PNG_SIGNATURE, random(400, 11)),
                Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG signature only", Slot.TARGET, CorpusImages.PNG_SIGNATURE.clone(), Outcome.FAILED,
                "INVALID_IMAGE");
        imageCase(d, "PNG cut in half", Slot.TARGET, cut(png, png.length / 2), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG without IEND", Slot.TARGET, cut(png, png.length - 12), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG reference cut in half", Slot.REFERENCE, cut(png, png.length / 2), Outcome.FAILED,
                "INVALID_IMAGE");
        imageCase(d, "PNG bad IHDR CRC", Slot.TARGET, flip(png, 8 + 8 + 13), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG bad IDAT byte", Slot.TARGET, flip(png, idat + 20), Outcome.FAILED, "INVALID_IMAGE");
        byte[] raw = CorpusImages.scanlines(32, 32, RGB, 8, (x, y, ch) -> x * 7 + y + ch);
        byte[] header = chunk("IHDR", ihdr(32, 32, 8, RGB, 0, 0, 0));
        byte[] iend = chunk("IEND", new byte[0]);
        byte[] z = zlib(raw);
        byte[] corruptZ = z.clone();
        for (int i = 2; i < corruptZ.length - 4; i += 3) {
            corruptZ[i] ^= (byte) 0xA5;
        }
        imageCase(d, "PNG corrupt deflate stream (good CRCs)", Slot.TARGET,
                pngOf(header, chunk("IDAT", corruptZ), iend), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG half the rows (good CRCs)", Slot.TARGET,
                pngOf(header, chunk("IDAT", zlib(Arrays.copyOf(raw, raw.length / 2))), iend), Outcome.FAILED,
                "INVALID_IMAGE");
        imageCase(d, "PNG deflate stream cut (good CRCs)", Slot.TARGET,
                pngOf(header, chunk("IDAT", Arrays.copyOf(z, z.length / 2)), iend), Outcome.FAILED, "INVALID_IMAGE");
        byte[] badFilter = raw.clone();
        badFilter[(32 * 3 + 1) * 5] = 9; // row 5's filter type: 0..4 exist
        imageCase(d, "PNG unknown row filter (good CRCs)", Slot.TARGET,
                pngOf(header, chunk("IDAT", zlib(badFilter)), iend), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG first chunk is IDAT", Slot.TARGET, pngOf(chunk("IDAT", z), header, iend), Outcome.FAILED,
                "INVALID_IMAGE");
        imageCase(d, "PNG no IDAT", Slot.TARGET, pngOf(header, iend), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG width 0", Slot.TARGET, pngOf(chunk("IHDR", ihdr(0, 32, 8, RGB, 0, 0, 0)), chunk("IDAT", z),
                iend), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG RGB of bit depth 3", Slot.TARGET, pngOf(chunk("IHDR", ihdr(32, 32, 3, RGB, 0, 0, 0)),
                chunk("IDAT", z), iend), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG colour type 5", Slot.TARGET, pngOf(chunk("IHDR", ihdr(32, 32, 8, 5, 0, 0, 0)),
                chunk("IDAT", z), iend), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG compression method 1", Slot.TARGET, pngOf(chunk("IHDR", ihdr(32, 32, 8, RGB, 1, 0, 0)),
                chunk("IDAT", z), iend), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG interlace method 2", Slot.TARGET, pngOf(chunk("IHDR", ihdr(32, 32, 8, RGB, 0, 0, 2)),
                chunk("IDAT", z), iend), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "PNG palette image without PLTE", Slot.TARGET,
                CorpusImages.png(16, 16, PALETTE, 8, (x, y, ch) -> 0), Outcome.FAILED, "INVALID_IMAGE");
        byte[] hugeChunk = concat(cut(png, 33), new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0},
                ascii("IDAT"), random(32, 12));
        imageCase(d, "PNG chunk length past the end", Slot.TARGET, hugeChunk, Outcome.FAILED, "INVALID_IMAGE");

        byte[] jpeg = CorpusImages.imageIo(CorpusImages.rgbImage(32, 32), "jpeg");
        imageCase(d, "JPEG cut in half", Slot.TARGET, cut(jpeg, jpeg.length / 2), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "JPEG without EOI", Slot.TARGET, cut(jpeg, jpeg.length - 2), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "JPEG SOI only", Slot.TARGET, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, Outcome.FAILED,
                "INVALID_IMAGE");
        imageCase(d, "JPEG SOI then garbage", Slot.TARGET, concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
                random(400, 13)), Outcome.FAILED, "INVALID_IMAGE");
        byte[] gif = CorpusImages.imageIo(CorpusImages.rgbImage(32, 32), "gif");
        imageCase(d, "GIF cut in half", Slot.TARGET, cut(gif, gif.length / 2), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "GIF header only", Slot.TARGET, ascii("GIF89a"), Outcome.FAILED, "INVALID_IMAGE");
        byte[] bmp = CorpusImages.imageIo(CorpusImages.rgbImage(32, 32), "bmp");
        imageCase(d, "BMP cut in half", Slot.TARGET, cut(bmp, bmp.length / 2), Outcome.FAILED, "INVALID_IMAGE");
        byte[] webp = webpFixture();
        imageCase(d, "WebP cut in half", Slot.TARGET, cut(webp, webp.length / 2), Outcome.FAILED, "INVALID_IMAGE");
        imageCase(d, "WebP header only", Slot.TARGET, cut(webp, 12), Outcome.FAILED, "INVALID_IMAGE");
        // Found by ImageDecoderFuzzTest: a lossless bitstream that is corrupt inside its RIFF container (alone it
        // is INVALID_IMAGE) but, with one byte after the container, decodes by reading past the chunk and past
        // the end of the data (zeros), slowly. Damaged data: INVALID_IMAGE.
        imageCase(d, "WebP bitstream read past its RIFF container", Slot.TARGET, Base64.getDecoder().decode(
                "UklGRj4AAABXRUJQVlA4TDIAAAAvB0ABEJkyRPQ/NhHR/5iAtiltgorAf/mAAP7/ge0f8twKHeEAAAApSURBVHicBcEBEQA="),
                Outcome.FAILED, "INVALID_IMAGE");

        String l = "image-too-large";
        imageCase(l, "PNG bomb 100000x100000", Slot.TARGET, CorpusImages.pngClaiming(100_000, 100_000), Outcome.FAILED,
                "IMAGE_TOO_LARGE");
        imageCase(l, "PNG bomb as reference", Slot.REFERENCE, CorpusImages.pngClaiming(100_000, 100_000),
                Outcome.FAILED, "IMAGE_TOO_LARGE");
        imageCase(l, "PNG bomb as mask", Slot.MASK, CorpusImages.pngClaiming(50_000, 50_000), Outcome.FAILED,
                "IMAGE_TOO_LARGE");
        imageCase(l, "PNG 2^31-1 x 2^31-1", Slot.TARGET, CorpusImages.pngClaiming(Integer.MAX_VALUE, Integer.MAX_VALUE),
                Outcome.FAILED, "IMAGE_TOO_LARGE");
        imageCase(l, "PNG 6001x6000, just over 36 MP", Slot.TARGET, CorpusImages.pngClaiming(6001, 6000),
                Outcome.FAILED, "IMAGE_TOO_LARGE");
        imageCase(l, "PNG 36000001x1", Slot.TARGET, CorpusImages.pngClaiming(36_000_001, 1), Outcome.FAILED,
                "IMAGE_TOO_LARGE");
        imageCase(l, "JPEG 30000x30000", Slot.TARGET, CorpusImages.jpegClaiming(30_000, 30_000), Outcome.FAILED,
                "IMAGE_TOO_LARGE");
        imageCase(l, "GIF 65535x65535", Slot.TARGET, CorpusImages.gifClaiming(65_535, 65_535), Outcome.FAILED,
                "IMAGE_TOO_LARGE");
        imageCase(l, "RLE8 BMP 20000x20000", Slot.TARGET, CorpusImages.rleBmpClaiming(20_000, 20_000),
                Outcome.FAILED, "IMAGE_TOO_LARGE");
        imageCase(l, "WebP 16384x16384", Slot.TARGET, CorpusImages.webpClaiming(16_384, 16_384), Outcome.FAILED,
                "IMAGE_TOO_LARGE");
    }

    private void masks() {
        // in/b.png (the target) is 96×64, in/a.png (the reference) 64×64.
        String m = "mask-size-mismatch";
        imageCase(m, "mask 95x64", Slot.MASK, CorpusImages.grayPng(95, 64, 255), Outcome.FAILED, "MASK_SIZE_MISMATCH");
        imageCase(m, "mask 64x96 (transposed)", Slot.MASK, CorpusImages.grayPng(64, 96, 255), Outcome.FAILED,
                "MASK_SIZE_MISMATCH");
        imageCase(m, "mask 1x1", Slot.MASK, CorpusImages.grayPng(1, 1, 255), Outcome.FAILED, "MASK_SIZE_MISMATCH");
        imageCase(m, "inpaint mask 96x65", Slot.INPAINT_MASK, CorpusImages.grayPng(96, 65, 255), Outcome.FAILED,
                "MASK_SIZE_MISMATCH");
        imageCase(m, "reference mask 63x64", Slot.REFERENCE_MASK, CorpusImages.grayPng(63, 64, 255), Outcome.FAILED,
                "MASK_SIZE_MISMATCH");
        imageCase(m, "reference mask 96x64 (the target's size)", Slot.REFERENCE_MASK, CorpusImages.grayPng(96, 64, 255),
                Outcome.FAILED, "MASK_SIZE_MISMATCH");
        String e = "empty-mask";
        imageCase(e, "all-black mask", Slot.MASK, CorpusImages.grayPng(96, 64, 0), Outcome.FAILED, "EMPTY_MASK");
        imageCase(e, "all-black inpaint mask", Slot.INPAINT_MASK, CorpusImages.grayPng(96, 64, 0), Outcome.FAILED,
                "EMPTY_MASK");
        imageCase(e, "grey 127 mask (under the 0.5 threshold)", Slot.MASK, CorpusImages.grayPng(96, 64, 127),
                Outcome.FAILED, "EMPTY_MASK");
        imageCase(e, "white but fully transparent mask", Slot.MASK,
                CorpusImages.png(96, 64, RGBA, 8, (x, y, ch) -> ch == 3 ? 0 : 255), Outcome.FAILED, "EMPTY_MASK");
        imageCase(e, "all-black reference mask", Slot.REFERENCE_MASK, CorpusImages.grayPng(64, 64, 0), Outcome.FAILED,
                "EMPTY_MASK");
        imageCase(e, "black JPEG mask", Slot.MASK, CorpusImages.imageIo(new BufferedImage(96, 64,
                BufferedImage.TYPE_INT_RGB), "jpeg"), Outcome.FAILED, "EMPTY_MASK");
        // Where the contract says "generate": valid.
        imageCase("valid-mask", "grey 128 mask (at the threshold)", Slot.MASK, CorpusImages.grayPng(96, 64, 128),
                Outcome.SUCCEEDED, null);
        imageCase("valid-mask", "transparent mask with one opaque pixel", Slot.MASK, CorpusImages.png(96, 64, RGBA, 8,
                (x, y, ch) -> ch < 3 ? 0 : (x == 40 && y == 30 ? 255 : 0)), Outcome.SUCCEEDED, null);
    }

    /** Valid, if unusual, inputs: the contract has them run. */
    private void valid() {
        String v = "valid-image";
        imageCase(v, "PNG RGB 16-bit", Slot.TARGET, CorpusImages.png(16, 16, RGB, 16, (x, y, c) -> x * 3000 + c * 9000),
                Outcome.SUCCEEDED, null);
        imageCase(v, "PNG RGBA 16-bit", Slot.REFERENCE, CorpusImages.png(16, 16, RGBA, 16,
                (x, y, c) -> c == 3 ? 40000 : y * 4000), Outcome.SUCCEEDED, null);
        imageCase(v, "PNG gray 16-bit", Slot.TARGET, CorpusImages.png(16, 16, GRAY, 16, (x, y, c) -> x * y * 250),
                Outcome.SUCCEEDED, null);
        imageCase(v, "PNG gray+alpha 8-bit", Slot.TARGET, CorpusImages.png(16, 16, GRAY_ALPHA, 8,
                (x, y, c) -> c == 0 ? x * 16 : 255 - y * 8), Outcome.SUCCEEDED, null);
        imageCase(v, "PNG gray+alpha 16-bit", Slot.REFERENCE, CorpusImages.png(16, 16, GRAY_ALPHA, 16,
                (x, y, c) -> c == 0 ? x * 4000 : 65535), Outcome.SUCCEEDED, null);
        byte[] plte = chunk("PLTE", new byte[] {0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255});
        byte[] trns = chunk("tRNS", new byte[] {0, (byte) 255, (byte) 128});
        imageCase(v, "PNG palette 8-bit with tRNS", Slot.TARGET, CorpusImages.png(16, 16, PALETTE, 8,
                (x, y, c) -> (x + y) % 4, plte, trns), Outcome.SUCCEEDED, null);
        imageCase(v, "PNG palette 2-bit", Slot.TARGET, CorpusImages.png(16, 16, PALETTE, 2, (x, y, c) -> x % 4, plte),
                Outcome.SUCCEEDED, null);
        imageCase(v, "PNG gray 1-bit", Slot.TARGET, CorpusImages.png(16, 16, GRAY, 1, (x, y, c) -> (x ^ y) & 1),
                Outcome.SUCCEEDED, null);
        imageCase(v, "PNG interlaced (Adam7)", Slot.TARGET, CorpusImages.progressive(CorpusImages.rgbImage(16, 16),
                "png"), Outcome.SUCCEEDED, null);
        imageCase(v, "JPEG progressive", Slot.TARGET, CorpusImages.progressive(CorpusImages.rgbImage(16, 16), "jpeg"),
                Outcome.SUCCEEDED, null);
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        imageCase(v, "JPEG grayscale", Slot.REFERENCE, CorpusImages.imageIo(gray, "jpeg"), Outcome.SUCCEEDED, null);
        imageCase(v, "GIF", Slot.TARGET, CorpusImages.imageIo(CorpusImages.rgbImage(16, 16), "gif"), Outcome.SUCCEEDED,
                null);
        imageCase(v, "BMP", Slot.TARGET, CorpusImages.imageIo(CorpusImages.rgbImage(16, 16), "bmp"), Outcome.SUCCEEDED,
                null);
        imageCase(v, "WebP lossless with alpha", Slot.REFERENCE, webpFixture(), Outcome.SUCCEEDED, null);

        String s = "tiny-images";
        imageCase(s, "1x1 target", Slot.TARGET, CorpusImages.rgbPng(1, 1), Outcome.SUCCEEDED, null);
        imageCase(s, "1x1 reference", Slot.REFERENCE, CorpusImages.rgbPng(1, 1), Outcome.SUCCEEDED, null);
        String tiny = upload("1x1-target", CorpusImages.rgbPng(1, 1));
        String tinyMask = upload("1x1-mask", CorpusImages.grayPng(1, 1, 255));
        add(s, "1x1 inpaint", k -> edit(base("inpaint", k), "target", ref(tiny), "mask", ref(tinyMask)),
                Outcome.SUCCEEDED, null);
        add(s, "1x1 target, vertical layout", k -> edit(base("composite", k), "target", ref(tiny), "params.layout",
                "\"vertical\""), Outcome.SUCCEEDED, null);
        add(s, "1x1 outpainted by 4096 to the right", k -> edit(base("outpaint", k), "target", ref(tiny),
                "params.outpaint", "{\"right\":4096}"), Outcome.SUCCEEDED, null);

        String key = nextKey();
        String longId = key + "-" + "x".repeat(127 - key.length()); // the longest id; also the Kafka key
        cases.add(new Case("valid-request", "jobId of 128 characters", longId, edit(base("composite", longId)),
                Outcome.SUCCEEDED, null, Set.of()));
        add("valid-request", "steps 1.0e0 (an integer, as JSON Schema counts)", k -> edit(base("composite", k),
                "params.steps", "1.0e0"), Outcome.SUCCEEDED, null);
    }

    enum Slot { REFERENCE, REFERENCE_MASK, TARGET, MASK, INPAINT_MASK }

    /** An otherwise valid request with {@code bytes} uploaded as the input in {@code slot}. */
    private void imageCase(String category, String name, Slot slot, byte[] bytes, Outcome outcome, String code) {
        String objectKey = upload(name, bytes);
        String raw = ref(objectKey);
        add(category, name, k -> switch (slot) {
            case REFERENCE -> edit(base("composite", k), "reference[0].key", quote(objectKey));
            case REFERENCE_MASK -> edit(base("composite", k), "reference[0].mask", raw);
            case TARGET -> edit(base("composite", k), "target", raw);
            case MASK -> edit(base("composite", k), "mask", raw);
            case INPAINT_MASK -> edit(base("inpaint", k), "mask", raw);
        }, outcome, code);
    }

    private String upload(String name, byte[] bytes) {
        String key = "corpus/" + run + "/" + String.format(Locale.ROOT, "%03d-", counter + 1)
                + name.replaceAll("[^A-Za-z0-9.-]+", "-");
        store.put(BUCKET, key, bytes, "application/octet-stream", Map.of());
        return key;
    }

    private static byte[] webpFixture() {
        try (InputStream in = BadInputCorpusIT.class.getResourceAsStream("/dev/stylize/imaging/webp-lossless-rgba.webp")) {
            return Objects.requireNonNull(in, "webp fixture").readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- request JSON ----------------------------------------------------------------------------------------

    /** A valid request of the mode on the shared inputs, one denoising step, keyed and named by {@code jobId}. */
    static ObjectNode base(String mode, String jobId) {
        ObjectNode r = JSON.createObjectNode();
        r.put("schemaVersion", 1).put("jobId", jobId).put("mode", mode);
        r.putArray("reference").addObject().put("bucket", BUCKET).put("key", "in/a.png");
        if (!mode.equals("variation")) {
            r.putObject("target").put("bucket", BUCKET).put("key", "in/b.png");
        }
        if (mode.equals("inpaint")) {
            r.putObject("mask").put("bucket", BUCKET).put("key", "in/l-mask.png");
        }
        ObjectNode p = r.putObject("params").put("steps", 1);
        if (mode.equals("outpaint")) {
            p.putObject("outpaint").put("right", 16);
        }
        r.putObject("output").put("bucket", BUCKET).put("prefix", PREFIX);
        return r;
    }

    /** The request with the shared 96×64 mask (a composite's optional one). */
    static ObjectNode withMask(ObjectNode request) {
        request.putObject("mask").put("bucket", BUCKET).put("key", "in/l-mask.png");
        return request;
    }

    static String ref(String key) {
        return "{\"bucket\":\"" + BUCKET + "\",\"key\":" + quote(key) + "}";
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String printable(String s) {
        String p = s.chars().mapToObj(ch -> ch < 0x20 ? String.format(Locale.ROOT, "\\u%04x", ch)
                : String.valueOf((char) ch)).collect(Collectors.joining());
        return p.length() > 40 ? p.substring(0, 40) + "…(" + s.length() + ")" : p;
    }

    /**
     * The request with each {@code path, rawJson} pair applied: the raw JSON text replaces the field's value
     * verbatim (so "1e400" or "-0" reach the worker as written), null removes the field. Paths are dotted with
     * array indexes: {@code reference[0].mask.key}; missing objects on the way are created.
     */
    static byte[] edit(ObjectNode request, String... pathAndRaw) {
        ObjectNode copy = request.deepCopy();
        Map<String, String> raws = new LinkedHashMap<>();
        for (int i = 0; i < pathAndRaw.length; i += 2) {
            String[] segments = pathAndRaw[i].split("\\.");
            JsonNode parent = copy;
            for (int s = 0; s < segments.length - 1; s++) {
                parent = child(parent, segments[s]);
            }
            String last = segments[segments.length - 1];
            String raw = pathAndRaw[i + 1];
            String placeholder = "@@RAW" + raws.size() + "@@";
            int bracket = last.indexOf('[');
            if (bracket >= 0) {
                ArrayNode array = (ArrayNode) parent.get(last.substring(0, bracket));
                int index = Integer.parseInt(last.substring(bracket + 1, last.length() - 1));
                if (raw == null) {
                    array.remove(index);
                } else {
                    array.set(index, JSON.getNodeFactory().textNode(placeholder));
                }
            } else if (raw == null) {
                ((ObjectNode) parent).remove(last);
            } else {
                ((ObjectNode) parent).put(last, placeholder);
            }
            if (raw != null) {
                raws.put(placeholder, raw);
            }
        }
        try {
            String text = JSON.writeValueAsString(copy);
            for (Map.Entry<String, String> e : raws.entrySet()) {
                text = text.replace("\"" + e.getKey() + "\"", e.getValue());
            }
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode child(JsonNode parent, String segment) {
        int bracket = segment.indexOf('[');
        if (bracket >= 0) {
            return parent.get(segment.substring(0, bracket))
                    .get(Integer.parseInt(segment.substring(bracket + 1, segment.length() - 1)));
        }
        JsonNode c = parent.get(segment);
        return c != null && c.isObject() ? c : ((ObjectNode) parent).putObject(segment);
    }
}
