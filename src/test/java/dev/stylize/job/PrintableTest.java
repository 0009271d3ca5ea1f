package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void plainTextIsReturnedAsIs() {
        String s = "order-2041.v2_retry-1 ünïcødé 画像";
        assertSame(s, Printable.of(s));
    }

    @Test
    void lineBreaksAndControlCharactersCannotForgeALine() {
        assertEquals("a\\nb\\rc\\td", Printable.of("a\nb\rc\td"));
        assertEquals("esc\\u001b[31mred", Printable.of("esc\u001b[31mred"));
        assertEquals("nul\\u0000 del\\u007f", Printable.of("nul\u0000 del\u007f"));
        assertEquals("ls\\u2028ps\\u2029nel\\u0085", Printable.of("ls\u2028ps\u2029nel\u0085"));
    }

    @Test
    void bidirectionalOverridesAreEscaped() {
        assertEquals("abc\\u202egpj.exe", Printable.of("abc\u202egpj.exe"));
        assertEquals("\\u2066x\\u2069", Printable.of("\u2066x\u2069"));
    }

    @Test
    void backslashesAreDoubledSoAnEscapeInTheInputStaysDistinct() {
        assertEquals("a\\\\nb", Printable.of("a\\nb"));
        assertEquals("null", Printable.of(null));
    }
}
