package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class SpansTest {

    @Test
    void stepsOfLessThanAMillisecondStillAddUpToTheElapsedTime() {
        var tracer = OpenTelemetry.noop().getTracer("test");
        long before = System.nanoTime();
        Spans spans = new Spans(tracer);
        long after = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            LockSupport.parkNanos(300_000); // 0.3 ms: truncating each step would report 0 for every one
            spans.mark("step" + i);
        }
        long end = System.nanoTime();
        long sum = 0;
        Matcher m = Pattern.compile("=(\\d+)").matcher(spans.toString());
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        assertEquals(40, Pattern.compile("step\\d+=").matcher(spans.toString()).results().count());
        // The steps add up to the whole milliseconds since the Spans was made.
        assertTrue(sum >= (end - after) / 1_000_000 && sum <= (end - before) / 1_000_000, sum + " ms: " + spans);
    }
}
