package dev.vq4j.models.metrics;

import dev.vq4j.autograd.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CodebookUsageTest {
    @Test
    void knownHistograms() {
        CodebookUsage u = new CodebookUsage(4);
        u.add(Tensor.ofLongs(new long[] {0, 1, 0, 1}, 2, 2)).add(new long[] {-1});
        assertEquals(50.0, u.percentUsed(), 1e-12);
        assertEquals(2.0, u.perplexity(), 1e-12);
        assertEquals(4, u.total());
        u.add(new long[] {2, 2, 3, 3});
        assertEquals(100.0, u.percentUsed(), 1e-12);
        assertEquals(4.0, u.perplexity(), 1e-12);
        // counts (3, 1): H = −(3/4 ln 3/4 + 1/4 ln 1/4)
        CodebookUsage v = new CodebookUsage(8).add(new long[] {5, 5, 5, 1});
        assertEquals(Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))), v.perplexity(), 1e-12);
        assertEquals(25.0, v.percentUsed(), 1e-12);
        assertArrayEquals(new long[] {0, 1, 0, 0, 0, 3, 0, 0}, v.counts());
        v.reset();
        assertEquals(0, v.perplexity());
    }

    @Test
    void outOfRangeIndexIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CodebookUsage(4).add(new long[] {4}));
        assertEquals("CodebookUsage: index 4 is out of range for a codebook of 4", e.getMessage());
    }
}
