package dev.stylize.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.job.RequestValidator;
import dev.stylize.job.StylizeException;
import java.util.Optional;

/**
 * Fuzzes the request parser, the worker's first contact with bytes from Kafka. Invariants:
 * {@link JobJson#parseRequest} returns a request that passes {@link RequestValidator#validate} again, or throws
 * a {@link StylizeException} with a code and a message, never anything else; {@link JobJson#peekJobId} never
 * throws, and what it returns is a well-formed id (the worker names a FAILED result after it), the request's own
 * when the request is valid.
 *
 * <p>A plain {@code mvn verify} replays the seeds in {@code RequestParserFuzzTestInputs/parseRequest}; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates them (see .ci/run).
 */
class RequestParserFuzzTest {
    @FuzzTest(maxDuration = "2m")
    // Field names and words of the contract, so mutations reach past "unknown field, ignored".
    @DictionaryEntries({"\"schemaVersion\"", "\"jobId\"", "\"mode\"", "\"reference\"", "\"target\"", "\"mask\"",
        "\"prompt\"", "\"params\"", "\"output\"", "\"deadline\"", "\"bucket\"", "\"key\"", "\"weight\"", "\"prefix\"",
        "\"format\"", "\"steps\"", "\"guidance\"", "\"seed\"", "\"strength\"", "\"reduxStrength\"",
        "\"reduxDownsample\"", "\"referenceBlend\"", "\"layout\"", "\"pasteBack\"", "\"previewEvery\"",
        "\"posterior\"", "\"mean\"", "\"sample\"", "\"outpaint\"", "\"left\"", "\"right\"", "\"top\"",
        "\"bottom\"", "\"composite\"", "\"restyle\"",
        "\"variation\"", "\"inpaint\"", "\"outpaint\"", "\"concat\"", "\"sum\"", "\"sum_conditioning\"", "\"promptEmbedsScale\"",
        "\"pooledPromptEmbedsScale\"", "\"horizontal\"", "\"vertical\"",
        "\"png\"", "\"jpeg\"", "\"webp\"", "null", "true", "false", "1e400", "-0", "1.0", "9223372036854775808",
        "\"2026-01-01T00:00:00Z\"", "\"..\"", "\"/\""})
    void parseRequest(byte[] json) {
        Optional<String> peeked = JobJson.peekJobId(json);
        peeked.ifPresent(id -> {
            if (!RequestValidator.JOB_ID.matcher(id).matches() || id.chars().allMatch(c -> c == '.')) {
                throw new AssertionError("peekJobId returned a malformed id: '" + id + "'");
            }
        });
        JobRequest request;
        try {
            request = JobJson.parseRequest(json);
        } catch (StylizeException e) {
            if (e.code() == null || e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a rejection without code or message", e);
            }
            return;
        }
        // A returned request is ready to run: validating it again must not find anything.
        RequestValidator.validate(request);
        if (!peeked.equals(Optional.of(request.jobId()))) {
            throw new AssertionError("peekJobId gave " + peeked + " for a valid request of job " + request.jobId());
        }
    }
}
