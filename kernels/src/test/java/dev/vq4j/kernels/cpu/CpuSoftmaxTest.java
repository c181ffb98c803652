package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Rng;
import dev.vq4j.core.View;
import dev.vq4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static dev.vq4j.kernels.TestViews.*;

/** Vectorised softmax / log_softmax rows against the reference: row lengths around the lane count, strided rows. */
class CpuSoftmaxTest {
    private static final double TOL = 1e-5;
    private final Backend ref = new ReferenceBackend();
    private final Backend cpu = new CpuBackend();

    private void check(long seed, boolean log, boolean transposed, int rows, int n) {
        Rng rng = new Rng(seed);
        View x = transposed ? randnSwapped(ref, rng, 0, 1, rows, n) : randn(ref, rng, rows, n);
        View g = randn(ref, rng, rows, n);
        String what = (log ? "log_softmax " : "softmax ") + rows + "x" + n + (transposed ? " transposed" : "");
        View yR = nans(ref, rows, n), yC = nans(ref, rows, n);
        ref.softmax(x, yR, log);
        cpu.softmax(x, yC, log);
        assertClose(what, yR, yC, TOL);
        View dR = nans(ref, rows, n), dC = nans(ref, rows, n);
        ref.softmaxBackward(yR, g, dR, log);
        cpu.softmaxBackward(yR, g, dC, log);
        assertClose(what + " backward", dR, dC, TOL);
    }

    @Test
    void rowLengths() {
        int seed = 0;
        for (boolean log : new boolean[] {false, true})
            for (int n : new int[] {1, 3, 15, 16, 17, 33, 100, 1000}) {
                check(seed++, log, false, 5, n);
                check(seed++, log, true, 4, n);
            }
    }
}
