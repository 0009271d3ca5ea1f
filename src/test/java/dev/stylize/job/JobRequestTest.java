package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobRequestTest {
    private static JobRequest parse(ObjectNode json) {
        return JobJson.parseRequest(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fullRequestMapsToTypes() {
        JobRequest r = parse(RequestContractTest.full());
        assertEquals(Mode.COMPOSITE, r.mode());
        assertEquals(2, r.reference().size());
        assertEquals(new JobRequest.ObjectRef("inputs", "refs/style-mask.png"), r.reference().get(0).mask());
        assertEquals(List.of(1.0, 0.5), r.referenceWeights());
        assertEquals(new JobRequest.OutputSpec("outputs", "stylize/2026/", OutputFormat.JPEG), r.output());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), r.deadline());
        JobParams p = r.jobParams();
        assertEquals(new JobParams(28, 30.0, 42L, 1.0, 0.8, 3, ReferenceBlend.CONCAT, Layout.HORIZONTAL, true, 4,
                new Margins(0, 256, 0, 0), Posterior.MEAN), p);
        ResolvedParams resolved = ParamResolver.resolve(r.mode(), p, false, 0);
        assertEquals(42, resolved.seed());
        assertEquals(3, resolved.reduxDownsample());
    }

    @Test
    void omittedParamsTakeModeDefaults() {
        JobRequest r = parse(RequestContractTest.minimal(Mode.RESTYLE));
        assertNull(r.params());
        assertEquals(JobParams.defaults(), r.jobParams());
        assertEquals(List.of(1.0), r.referenceWeights());
        assertEquals("", r.output().prefix());
        assertEquals(OutputFormat.PNG, r.output().format());
        ResolvedParams p = ParamResolver.resolve(r.mode(), r.jobParams(), true, 99);
        assertEquals(0.6, p.strength());
        assertEquals(2.5, p.guidance());
        assertEquals(99, p.seed());
        assertEquals(Posterior.MEAN, p.posterior());
    }

    @Test
    void toStringDoesNotDumpThePrompt() {
        ObjectNode json = RequestContractTest.minimal(Mode.COMPOSITE);
        json.put("prompt", "a watercolour ".repeat(700));
        String s = parse(json).toString();
        assertTrue(s.length() < 600, s);
        assertTrue(s.contains("prompt=9800 chars \"a watercolour"), s);
        json.put("prompt", "short");
        assertTrue(parse(json).toString().contains("prompt=\"short\""));
    }

    @Test
    void peekJobIdReadsRejectedRequests() {
        assertEquals(Optional.of("job-7"), JobJson.peekJobId(
                "{\"jobId\":\"job-7\",\"mode\":\"nope\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), JobJson.peekJobId("{\"jobId\":\"../x\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), JobJson.peekJobId("{\"jobId\":".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), JobJson.peekJobId("[]".getBytes(StandardCharsets.UTF_8)));
    }

    /** Golden: the written form of the full request (field names, order, wire words, no derived fields). */
    @Test
    void writtenRequestIsGolden() {
        String json = new String(JobJson.write(parse(RequestContractTest.full())), StandardCharsets.UTF_8);
        assertEquals("{\"schemaVersion\":1,\"jobId\":\"order-2041.v2_retry-1\",\"mode\":\"composite\","
                + "\"reference\":[{\"bucket\":\"inputs\",\"key\":\"refs/style.png\",\"weight\":1.0,"
                + "\"mask\":{\"bucket\":\"inputs\",\"key\":\"refs/style-mask.png\"}},"
                + "{\"bucket\":\"inputs\",\"key\":\"refs/palette.jpg\",\"weight\":0.5}],"
                + "\"target\":{\"bucket\":\"inputs\",\"key\":\"photos/room.jpg\"},"
                + "\"mask\":{\"bucket\":\"inputs\",\"key\":\"photos/room-mask.png\"},"
                + "\"prompt\":\"a watercolour living room\","
                + "\"params\":{\"steps\":28,\"guidance\":30.0,\"seed\":42,\"strength\":1.0,\"reduxStrength\":0.8,"
                + "\"reduxDownsample\":3,\"referenceBlend\":\"concat\",\"layout\":\"horizontal\",\"pasteBack\":true,"
                + "\"previewEvery\":4,\"outpaint\":{\"left\":0,\"right\":256,\"top\":0,\"bottom\":0},"
                + "\"posterior\":\"mean\"},"
                + "\"output\":{\"bucket\":\"outputs\",\"prefix\":\"stylize/2026/\",\"format\":\"jpeg\"},"
                + "\"deadline\":\"2026-01-01T00:00:00Z\"}", json);
    }
}
