package dev.stylize.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.Phase;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTextTest {
    @Test
    void theBarShowsPhaseFillPercentStepsAndEta() {
        ProgressEvent e = ProgressEvent.of("job-1", 1, Phase.DENOISING, 12, 28, 0.5, 11_800L, null);
        assertEquals("DENOISING  [###############...............]  50% step 12/28  ETA 11.8s", ProgressText.bar(e));
    }

    @Test
    void beforeDenoisingThereAreNoStepsAndTheEtaIsUnknown() {
        ProgressEvent e = ProgressEvent.phase("job-1", 2, Phase.QUEUED, 0, 0, 0.0, null);
        assertEquals("QUEUED     [..............................]   0%  ETA ?", ProgressText.bar(e));
        assertEquals("job-1 attempt 2 QUEUED 0% ETA ?", ProgressText.line(e));
    }

    @Test
    void thePlainLineNamesJobAttemptPhaseAndStep() {
        ProgressEvent e = ProgressEvent.of("job-1", 1, Phase.DENOISING, 3, 4, 0.7349, 65_400L, null);
        assertEquals("job-1 attempt 1 DENOISING step 3/4 73% ETA 1m05s", ProgressText.line(e));
    }

    @Test
    void etaReadsInSecondsThenMinutesThenHours() {
        assertEquals("0.0s", ProgressText.eta(0L));
        assertEquals("59.9s", ProgressText.eta(59_900L));
        assertEquals("1m00s", ProgressText.eta(60_000L));
        assertEquals("59m59s", ProgressText.eta(3_599_000L));
        assertEquals("2h05m", ProgressText.eta((2 * 3600 + 5 * 60 + 30) * 1000L));
    }

    @Test
    void aResultLineCarriesTheErrorOfAFailure() {
        ResultEvent r = ResultEvent.failed("job-1", 1, ErrorCode.PARAM_OUT_OF_RANGE, "params.steps must be in [1, 200], got 0",
                Map.of(), null, null);
        assertEquals("job-1 FAILED PARAM_OUT_OF_RANGE: params.steps must be in [1, 200], got 0", ProgressText.result(r));
    }

    @Test
    void theTerminalBarRedrawsInPlaceAndHidesALongerPreviousLine() {
        StringWriter text = new StringWriter();
        WatchDisplay bar = WatchDisplay.forOutput(new PrintWriter(text), true);
        bar.progress(ProgressEvent.of("j", 1, Phase.DENOISING, 1, 10, 0.2, 123_456L, null));
        bar.progress(ProgressEvent.of("j", 1, Phase.DECODING, 10, 10, 0.9, 500L, null));
        String[] frames = text.toString().split("\r", -1);
        assertEquals(3, frames.length, "two redraws, no newline: " + text);
        assertTrue(frames[2].startsWith("DECODING"), frames[2]);
        assertTrue(frames[2].length() >= frames[1].length(), "padded over the longer frame");
        assertTrue(!text.toString().contains("\n"));
    }
}
