package dev.vq4j.core.io;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Numbers follow RFC 8259's grammar: ASCII digits only, no leading zeros, digits after a point and in an exponent. */
class JsonNumbersTest {
    @Test
    void validNumbersParse() {
        assertEquals(List.of(0L, 0L, 10L, 1.5e-3, 200.0, -7L, Long.MAX_VALUE), Json.parse("[0, -0, 10, 1.5e-3, 2E+2, -7, 9223372036854775807]"));
    }

    @Test
    void whatTheGrammarExcludesIsRefused() {
        for (String bad : new String[] {"[01]", "[-012]", "[\u0661\u0662]", "[1.]", "[1e]", "[1e+]", "[-]", "[.5]", "[9223372036854775808]"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertFalse(e.getMessage().isBlank(), bad);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[007]"));
        assertTrue(e.getMessage().contains("leading zero"), e.getMessage());
    }
}
