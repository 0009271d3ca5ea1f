package dev.stylize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    /** As Quarkus' Micrometer registry writes it (a trailing comma in label sets), plus the format's corners. */
    static final String TEXT = """
            # HELP stylize_accelerator_busy_seconds_total time jobs held an accelerator slot, summed over slots
            # TYPE stylize_accelerator_busy_seconds_total counter
            stylize_accelerator_busy_seconds_total 12.5
            # TYPE stylize_stage_seconds summary
            stylize_stage_seconds_count{stage="denoise",} 3.0
            stylize_stage_seconds_sum{stage="denoise",} 10.25
            stylize_stage_seconds_sum{stage="text",} 1.0E-4
            cache_gets_total{cache="stylize_encoder_prompt",result="hit",} 11.0
            cache_gets_total{cache="stylize_encoder_prompt",result="miss",} 1.0
            cache_gets_total{cache="stylize_encoder_redux",result="miss",} 4.0
            stylize_session_runs_total{accelerator="false",component="t5",} 5.0 1700000000000
            stylize_session_runs_total{accelerator="true",component="siglip"} 2
            weird{msg="a \\"quoted\\" } value, here"} +Inf

            jvm_gc_max_data_size_bytes NaN
            """;

    @Test
    void readsNamesLabelsAndValues() {
        PrometheusText m = PrometheusText.parse(TEXT);
        assertEquals(12.5, m.sum("stylize_accelerator_busy_seconds_total", Map.of()));
        assertEquals(10.25, m.sum("stylize_stage_seconds_sum", Map.of("stage", "denoise")));
        assertEquals(1.0E-4, m.sum("stylize_stage_seconds_sum", Map.of("stage", "text")));
        assertEquals(12.0, m.sum("cache_gets_total", Map.of("cache", "stylize_encoder_prompt")));
        assertEquals(11.0, m.sum("cache_gets_total", Map.of("cache", "stylize_encoder_prompt", "result", "hit")));
        assertEquals(5.0, m.sum("stylize_session_runs_total", Map.of("component", "t5")), "timestamp ignored");
        assertEquals(7.0, m.sum("stylize_session_runs_total", Map.of()));
        assertEquals(Double.POSITIVE_INFINITY, m.sum("weird", Map.of("msg", "a \"quoted\" } value, here")));
        assertTrue(Double.isNaN(m.sum("jvm_gc_max_data_size_bytes", Map.of())));
        assertEquals(0.0, m.sum("absent_total", Map.of()));
        assertEquals(0.0, m.sum("stylize_stage_seconds_sum", Map.of("stage", "vae_decode")));
    }

    @Test
    void tellsWhichSeriesExist() {
        PrometheusText m = PrometheusText.parse(TEXT);
        assertTrue(m.has("cache_gets_total", Map.of("cache", "stylize_encoder_redux")));
        assertFalse(m.has("cache_gets_total", Map.of("cache", "stylize_encoder_redux", "result", "hit")));
        assertEquals(new TreeSet<>(java.util.List.of("siglip", "t5")),
                m.labelValues("stylize_session_runs_total", "component"));
    }

    @Test
    void anUnreadableLineIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrometheusText.parse("ok 1\nbroken{stage=\"x\" 2\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("novalue\n"));
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("x{a=b} 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("x abc\n"));
    }
}
