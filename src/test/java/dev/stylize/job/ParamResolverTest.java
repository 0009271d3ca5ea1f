package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParamResolverTest {
    private static JobParams with(Integer steps, Double guidance, Double strength, Double redux, Integer k) {
        return new JobParams(steps, guidance, null, strength, redux, k, null, null, null, null, null);
    }

    @ParameterizedTest
    @CsvSource({
        "COMPOSITE, true,  FILL, 30.0, 1.0, true",
        "INPAINT,   true,  FILL, 30.0, 1.0, true",
        "RESTYLE,   true,  DEV,  2.5,  0.6, false",
        "RESTYLE,   false, FILL, 30.0, 0.6, false",
        "VARIATION, true,  DEV,  2.5,  1.0, false",
        "VARIATION, false, FILL, 30.0, 1.0, false"})
    void modeDefaults(Mode mode, boolean dev, Transformer t, double guidance, double strength, boolean pasteBack) {
        ResolvedParams p = ParamResolver.resolve(mode, JobParams.defaults(), dev, 7);
        assertEquals(t, p.transformer());
        assertEquals(guidance, p.guidance());
        assertEquals(strength, p.strength());
        assertEquals(28, p.steps());
        assertEquals(pasteBack, p.pasteBack());
        assertEquals(7, p.seed());
    }

    @Test
    void outpaintDefaultsNeedMargins() {
        StylizeException e = assertThrows(StylizeException.class,
                () -> ParamResolver.resolve(Mode.OUTPAINT, JobParams.defaults(), false, 1));
        assertEquals(ErrorCode.PARAM_OUT_OF_RANGE, e.code());
        JobParams p = new JobParams(null, null, null, null, null, null, null, null, null, null, new Margins(0, 64, 0, 0));
        assertTrue(ParamResolver.resolve(Mode.OUTPAINT, p, false, 1).pasteBack());
    }

    @Test
    void outOfRangeValuesNameTheField() {
        assertOut("steps", with(0, null, null, null, null));
        assertOut("steps", with(1000, null, null, null, null));
        assertOut("guidance", with(null, -1.0, null, null, null));
        assertOut("strength", with(null, null, 0.0, null, null));
        assertOut("strength", with(null, null, 1.5, null, null));
        assertOut("reduxStrength", with(null, null, null, -0.5, null));
        assertOut("reduxDownsample", with(null, null, null, null, 0));
        assertOut("reduxDownsample", with(null, null, null, null, 10));
    }

    @Test
    void referenceWeightsAndCount() {
        assertEquals(ErrorCode.INVALID_REQUEST,
                assertThrows(StylizeException.class, () -> ParamResolver.checkReferences(List.of())).code());
        StylizeException e = assertThrows(StylizeException.class, () -> ParamResolver.checkReferences(List.of(1.0, -1.0)));
        assertTrue(e.getMessage().contains("reference[1].weight"), e.getMessage());
        assertThrows(StylizeException.class, () -> ParamResolver.checkReferences(List.of(1.0, 1.0, 1.0, 1.0, 1.0)));
    }

    @Test
    void unknownModeIsTyped() {
        assertEquals(ErrorCode.UNKNOWN_MODE, assertThrows(StylizeException.class, () -> Mode.parse("sketch")).code());
    }

    private static void assertOut(String field, JobParams p) {
        StylizeException e = assertThrows(StylizeException.class,
                () -> ParamResolver.resolve(Mode.COMPOSITE, p, false, 1));
        assertEquals(ErrorCode.PARAM_OUT_OF_RANGE, e.code());
        assertTrue(e.getMessage().startsWith("params." + field + " must be in "), e.getMessage());
    }
}
