package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Rng;
import dev.vq4j.core.View;
import dev.vq4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static dev.vq4j.kernels.TestViews.*;

/** Vectorised group_norm (+ silu) against the reference loops: odd spatial sizes (lane tails), with and without affine, transposed input. */
class CpuGroupNormTest {
    private static final double TOL = 1e-4;
    private final Backend ref = new ReferenceBackend();
    private final Backend cpu = new CpuBackend();

    private void check(long seed, int n, int c, int s, int groups, boolean affine, boolean swish, boolean transposed) {
        Rng rng = new Rng(seed);
        View x = transposed ? randnSwapped(ref, rng, 1, 2, n, c, s) : randn(ref, rng, n, c, s);
        View w = affine ? randn(ref, rng, c) : null, b = affine ? randn(ref, rng, c) : null;
        View g = randn(ref, rng, n, c, s);
        String what = String.format("group_norm n%d c%d s%d g%d%s%s%s", n, c, s, groups, affine ? " affine" : "", swish ? " swish" : "", transposed ? " transposed" : "");
        View outR = nans(ref, n, c, s), outC = nans(ref, n, c, s);
        View mR = nans(ref, n, groups), rR = nans(ref, n, groups), mC = nans(ref, n, groups), rC = nans(ref, n, groups);
        ref.groupNorm(x, w, b, groups, 1e-6f, swish, outR, mR, rR);
        cpu.groupNorm(x, w, b, groups, 1e-6f, swish, outC, mC, rC);
        assertClose(what + " out", outR, outC, TOL);
        assertClose(what + " mean", mR, mC, TOL);
        assertClose(what + " rstd", rR, rC, TOL);
        View gxR = nans(ref, n, c, s), gxC = nans(ref, n, c, s);
        View gwR = affine ? nans(ref, c) : null, gbR = affine ? nans(ref, c) : null, gwC = affine ? nans(ref, c) : null, gbC = affine ? nans(ref, c) : null;
        ref.groupNormBackward(x, w, b, groups, swish, mR, rR, g, gxR, gwR, gbR);
        cpu.groupNormBackward(x, w, b, groups, swish, mR, rR, g, gxC, gwC, gbC);
        assertClose(what + " dx", gxR, gxC, TOL);
        if (affine) {
            assertClose(what + " dw", gwR, gwC, TOL);
            assertClose(what + " db", gbR, gbC, TOL);
        }
    }

    @Test
    void shapes() {
        check(1, 1, 1, 1, 1, false, false, false);
        check(2, 2, 6, 7, 3, true, false, false);
        check(3, 2, 6, 7, 3, true, true, false);
        check(4, 3, 8, 33, 2, false, true, false);
        check(5, 2, 4, 1, 4, true, true, false);
        check(6, 2, 32, 17 * 19, 8, true, true, false);
        check(7, 2, 6, 21, 2, true, true, true); // layout the fast path does not take
    }

    @Test
    void vqganBlock() {
        check(8, 1, 64, 32 * 32, 32, true, true, false);
    }

    @Test
    void randomShapes() {
        Rng rng = new Rng(5);
        for (int t = 0; t < 15; t++) {
            int groups = 1 + (int) rng.nextLong(4);
            check(100 + t, 1 + (int) rng.nextLong(3), groups * (1 + (int) rng.nextLong(4)), 1 + (int) rng.nextLong(70), groups,
                    t % 2 == 0, t % 3 != 0, false);
        }
    }
}
