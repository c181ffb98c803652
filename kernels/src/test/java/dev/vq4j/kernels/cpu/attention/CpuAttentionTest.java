package dev.vq4j.kernels.cpu.attention;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.Rng;
import dev.vq4j.core.View;
import dev.vq4j.kernels.cpu.CpuBackend;
import dev.vq4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static dev.vq4j.kernels.TestViews.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Tiled attention against the reference loops, forward and backward: odd lengths and head sizes (tails
 * of the BLOCK tiles and of the vector lanes), Lq != Lk both ways, causal masks, a long sequence that spans
 * many tiles, and q, gradOut given as transposed views of [B, L, H, d] storage.
 */
class CpuAttentionTest {
    private static final double TOL = 1e-4;
    private final Backend ref = new ReferenceBackend();
    private final Backend cpu = new CpuBackend();

    private void check(long seed, int b, int h, int lq, int lk, int d, int dv, boolean causal, boolean transposedInputs) {
        Rng rng = new Rng(seed);
        View q = transposedInputs ? randnSwapped(ref, rng, 1, 2, b, h, lq, d) : randn(ref, rng, b, h, lq, d);
        View k = randn(ref, rng, b, h, lk, d), v = randn(ref, rng, b, h, lk, dv);
        View g = transposedInputs ? randnSwapped(ref, rng, 1, 2, b, h, lq, dv) : randn(ref, rng, b, h, lq, dv);
        float scale = (float) (1 / Math.sqrt(d));
        String what = String.format("attention b%d h%d lq%d lk%d d%d dv%d%s", b, h, lq, lk, d, dv, causal ? " causal" : "");
        View outR = nans(ref, b, h, lq, dv), lseR = nans(ref, b, h, lq), outC = nans(ref, b, h, lq, dv), lseC = nans(ref, b, h, lq);
        ref.attention(q, k, v, outR, lseR, scale, causal);
        cpu.attention(q, k, v, outC, lseC, scale, causal);
        assertClose(what + " out", outR, outC, TOL);
        assertClose(what + " lse", lseR, lseC, TOL);
        View gqR = nans(ref, b, h, lq, d), gkR = nans(ref, b, h, lk, d), gvR = nans(ref, b, h, lk, dv);
        View gqC = nans(ref, b, h, lq, d), gkC = nans(ref, b, h, lk, d), gvC = nans(ref, b, h, lk, dv);
        ref.attentionBackward(q, k, v, outR, lseR, g, gqR, gkR, gvR, scale, causal);
        cpu.attentionBackward(q, k, v, outR, lseR, g, gqC, gkC, gvC, scale, causal);
        assertClose(what + " dq", gqR, gqC, TOL);
        assertClose(what + " dk", gkR, gkC, TOL);
        assertClose(what + " dv", gvR, gvC, TOL);
    }

    @Test
    void smallAndOddShapes() {
        check(1, 1, 1, 1, 1, 1, 1, false, false);
        check(2, 2, 3, 5, 7, 3, 5, false, false);
        check(3, 2, 3, 5, 7, 3, 5, true, false);
        check(4, 1, 2, 9, 4, 17, 17, true, false); // Lq > Lk, causal: late rows see every key
        check(5, 3, 1, 33, 65, 24, 40, false, true);
    }

    @Test
    void severalTiles() {
        check(6, 1, 2, 130, 129, 20, 20, false, true);
        check(7, 2, 1, 129, 130, 33, 31, true, true);
        check(8, 1, 1, 200, 64, 64, 64, true, false);
        check(12, 2, 1, 70, 90, 100, 130, false, true); // head dims past one 64-wide chunk, with narrower tail chunks
        check(13, 1, 3, 90, 70, 130, 100, true, false);
    }

    /**
     * The one-pass backward (a task per head, taken when the heads split evenly over the threads) and the
     * two-pass one (a task per key block, then per query block) sum in the same order: same values.
     */
    @Test
    void onePassAndTwoPassBackwardAgree() {
        int before = Parallel.threads();
        try {
            for (boolean causal : new boolean[] {false, true}) {
                Rng rng = new Rng(21);
                int b = 1, h = 2, lq = 150, lk = 140, d = 72, dv = 40;
                View q = randn(ref, rng, b, h, lq, d), k = randn(ref, rng, b, h, lk, d), v = randn(ref, rng, b, h, lk, dv);
                View g = randn(ref, rng, b, h, lq, dv), out = nans(ref, b, h, lq, dv), lse = nans(ref, b, h, lq);
                cpu.attention(q, k, v, out, lse, 0.1f, causal);
                float[][] grads = new float[2][];
                for (int run = 0; run < 2; run++) {
                    Parallel.setThreads(run == 0 ? 1 : 5); // 2 heads: one pass on 1 thread, two passes on 5
                    View gq = nans(ref, b, h, lq, d), gk = nans(ref, b, h, lk, d), gv = nans(ref, b, h, lk, dv);
                    cpu.attentionBackward(q, k, v, out, lse, g, gq, gk, gv, 0.1f, causal);
                    float[] dq = values(gq), dk = values(gk), dvv = values(gv);
                    float[] all = new float[dq.length + dk.length + dvv.length];
                    System.arraycopy(dq, 0, all, 0, dq.length);
                    System.arraycopy(dk, 0, all, dq.length, dk.length);
                    System.arraycopy(dvv, 0, all, dq.length + dk.length, dvv.length);
                    grads[run] = all;
                }
                assertArrayEquals(grads[0], grads[1], 0f, "one pass vs two passes" + (causal ? " causal" : ""));
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void randomShapes() {
        Rng rng = new Rng(99);
        for (int t = 0; t < 12; t++) {
            int lq = 1 + (int) rng.nextLong(150), lk = 1 + (int) rng.nextLong(150), d = 1 + (int) rng.nextLong(40);
            check(100 + t, 1 + (int) rng.nextLong(2), 1 + (int) rng.nextLong(3), lq, lk, d, 1 + (int) rng.nextLong(40), t % 2 == 0, t % 3 == 0);
        }
    }

    /** One head of 1024 queries and keys at d 64: sixteen tiles each way, the full score matrix never formed. */
    @Test
    void longSequence() {
        check(9, 1, 1, 1024, 1024, 64, 64, false, false);
        check(10, 1, 1, 1024, 1024, 64, 64, true, false);
    }

    @Test
    void deterministic() {
        Rng rng = new Rng(11);
        View q = randn(ref, rng, 2, 2, 150, 24), k = randn(ref, rng, 2, 2, 140, 24), v = randn(ref, rng, 2, 2, 140, 24);
        View o1 = nans(ref, 2, 2, 150, 24), o2 = nans(ref, 2, 2, 150, 24), l1 = nans(ref, 2, 2, 150), l2 = nans(ref, 2, 2, 150);
        cpu.attention(q, k, v, o1, l1, 0.2f, true);
        cpu.attention(q, k, v, o2, l2, 0.2f, true);
        assertArrayEquals(values(o1), values(o2));
        assertArrayEquals(values(l1), values(l2));
    }
}
