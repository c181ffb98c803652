package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.Rng;
import dev.vq4j.core.View;
import dev.vq4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static dev.vq4j.kernels.TestViews.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The cpu backend's float sums give the reference's bits: rows (contiguous runs), columns (bias gradients), and the fallback layouts. */
class CpuReduceTest {
    private final Backend ref = new ReferenceBackend(), cpu = new CpuBackend();

    @Test
    void sumsAreBitIdenticalToTheReference() {
        Rng rng = new Rng(4);
        View x = randn(ref, rng, 3, 37, 70);
        check(x, 1, 3, 37);                                                           // rows: the last dim
        check(x, 2, 3);                                                               // rows: the last two dims
        check(x, 3);                                                                  // everything
        // columns: [3, 37, 70] summed over dims 0, 1 (the kernel sees them permuted to the end: shape [70, 3, 37])
        check(new View(x.buffer(), new int[] {70, 3, 37}, new int[] {1, 37 * 70, 70}, 0), 2, 70);
        check(new View(x.buffer(), new int[] {3, 70, 37}, new int[] {37 * 70, 1, 70}, 0), 1, 3, 70); // columns within groups
        check(new View(x.buffer(), new int[] {37, 3, 70}, new int[] {70, 37 * 70, 1}, 0), 1, 37, 3);  // strided rows: reference fallback
        check(new View(x.buffer(), new int[] {2, 37, 70}, new int[] {37 * 70, 70, 1}, 37 * 70), 1, 2, 37); // an offset view
    }

    private void check(View x, int reducedDims, int... outShape) {
        View r = nans(ref, outShape), c = nans(ref, outShape);
        ref.reduce(ReduceOp.SUM, x, reducedDims, r);
        cpu.reduce(ReduceOp.SUM, x, reducedDims, c);
        assertArrayEquals(values(r), values(c), x + " over " + reducedDims);
    }
}
