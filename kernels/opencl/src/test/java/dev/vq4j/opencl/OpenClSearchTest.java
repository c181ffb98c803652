package dev.vq4j.opencl;

import dev.vq4j.core.DType;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused nearest-codebook search against the reference: odd sizes (not multiples of the 64-query,
 * 64-code, 16-dim tiles), several code splits, L2 and cosine, top-1 and top-k, strided inputs and
 * outputs, exact ties. The device ranks by a float score, so where an index differs from the
 * reference's, the code it chose must be as near (exact distance within 1e-5 relative) and such
 * near-ties must be rare; every reported distance must be the exact distance of the reported code
 * and match the reference's within 1e-5.
 */
class OpenClSearchTest {
    static final double TOL = 1e-5;
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 23);

    @Test
    void matchesTheReferenceOverSizes() {
        int mismatches = 0, total = 0;
        double worst = 0;
        for (int n : new int[] {1, 37, 1000})
            for (int dim : new int[] {3, 8, 64, 130})
                for (int k : new int[] {1, 5, 512, 1031})
                    for (int topK : new int[] {1, 4}) {
                        if (topK > k) continue;
                        boolean cosine = (n + dim + k + topK) % 2 == 0;
                        float[] xs = gaussian(n * dim), cs = gaussian(k * dim);
                        View[] x = c.upload(xs, n, dim), codes = c.upload(cs, k, dim);
                        int[] r = run(x, codes, xs, dim, cs, topK, cosine, false);
                        mismatches += r[0];
                        total += n * topK;
                        worst = Math.max(worst, lastWorst);
                    }
        System.out.printf("search over sizes: %d of %d indices differ (near-ties), worst distance error %.3g%n", mismatches, total, worst);
        assertTrue(mismatches <= total / 1000 + 2, mismatches + " of " + total + " indices differ");
    }

    @Test
    void stridedInputsAndOutputs() {
        for (boolean cosine : new boolean[] {false, true}) {
            int n = 129, dim = 19, k = 300, topK = 5;
            float[] xt = gaussian(dim * n), cs = gaussian(k * dim);
            // x [n, dim] as the transpose of a [dim, n] buffer; codes every other row of a [2k, dim] buffer
            View[] x = DeviceCheck.transpose(c.upload(xt, dim, n), 0, 1);
            float[] cs2 = new float[2 * k * dim];
            for (int i = 0; i < k; i++) System.arraycopy(cs, i * dim, cs2, (2 * i + 1) * dim, dim);
            View[] c2 = c.upload(cs2, 2 * k, dim);
            View[] codes = new View[2];
            for (int i = 0; i < 2; i++) codes[i] = new View(c2[i].buffer(), new int[] {k, dim}, new int[] {2 * dim, 1}, dim);
            float[] xs = new float[n * dim];
            for (int q = 0; q < n; q++) for (int d = 0; d < dim; d++) xs[q * dim + d] = xt[d * n + q];
            run(x, codes, xs, dim, cs, topK, cosine, true);
        }
    }

    @Test
    void tiesGoToTheLowestIndex() {
        // codes 100.. repeat codes 0..99; each query's nearest distinct code appears 5 or 6 times
        int n = 300, dim = 8, k = 1031, distinct = 100;
        float[] base = gaussian(distinct * dim), cs = new float[k * dim];
        for (int i = 0; i < k; i++) System.arraycopy(base, (i % distinct) * dim, cs, i * dim, dim);
        float[] xs = gaussian(n * dim);
        // a few queries equal to a code: distance exactly 0, shared by its copies
        for (int q = 0; q < 10; q++) System.arraycopy(base, q * 7 * dim, xs, q * dim, dim);
        View[] x = c.upload(xs, n, dim), codes = c.upload(cs, k, dim);
        for (boolean cosine : new boolean[] {false, true})
            for (int topK : new int[] {1, 4, 8, 12}) {
                int[] r = run(x, codes, xs, dim, cs, topK, cosine, false);
                assertEquals(0, r[0], "ties, topK " + topK + (cosine ? " cosine" : " L2"));
            }
    }

    @Test
    void largeTopKAndFallback() {
        int n = 70, dim = 33, k = 700;
        float[] xs = gaussian(n * dim), cs = gaussian(k * dim);
        View[] x = c.upload(xs, n, dim), codes = c.upload(cs, k, dim);
        for (int topK : new int[] {9, 32, 40})  // 40 runs through the host fallback
            run(x, codes, xs, dim, cs, topK, topK % 2 == 0, false);
        // topK = K: every code, sorted
        View[] x2 = c.upload(xs, n, dim), codes2 = c.upload(java.util.Arrays.copyOf(cs, 7 * dim), 7, dim);
        int[] r = run(x2, codes2, xs, dim, java.util.Arrays.copyOf(cs, 7 * dim), 7, false, false);
        assertEquals(0, r[0]);
    }

    @Test
    void zeroVectorsUnderCosine() {
        int n = 5, dim = 4, k = 6;
        float[] xs = gaussian(n * dim), cs = gaussian(k * dim);
        java.util.Arrays.fill(xs, 0, dim, 0f);        // query 0 is zero: every distance is 1, indices in order
        java.util.Arrays.fill(cs, 2 * dim, 3 * dim, 0f); // code 2 is zero
        View[] x = c.upload(xs, n, dim), codes = c.upload(cs, k, dim);
        int[] r = run(x, codes, xs, dim, cs, 3, true, false);
        assertEquals(0, r[0]);
    }

    private double lastWorst;

    /**
     * Runs both backends; xs/cs are the logical row-major contents. Returns {number of index
     * mismatches}. Asserts distances, and that every mismatch is a near-tie.
     */
    private int[] run(View[] x, View[] codes, float[] xs, int dim, float[] cs, int topK, boolean cosine, boolean stridedOut) {
        int n = x[0].shape()[0], k = codes[0].shape()[0];
        String what = String.format("n=%d dim=%d k=%d topK=%d %s", n, dim, k, topK, cosine ? "cosine" : "L2");
        View[] idx, dist;
        if (stridedOut) {
            idx = DeviceCheck.transpose(c.output(DType.INT64, topK, n), 0, 1);
            dist = DeviceCheck.transpose(c.output(DType.FLOAT32, topK, n), 0, 1);
        } else {
            idx = c.output(DType.INT64, n, topK);
            dist = c.output(DType.FLOAT32, n, topK);
        }
        c.ref.nearestCodes(x[0], codes[0], topK, cosine, idx[0], dist[0]);
        c.dev.nearestCodes(x[1], codes[1], topK, cosine, idx[1], dist[1]);
        lastWorst = DeviceCheck.assertClose(what + " distances", dist, TOL);
        long[] ri = (long[]) c.ref.download(idx[0]), di = (long[]) c.dev.download(idx[1]);
        float[] rd = (float[]) c.ref.download(dist[0]), dd = (float[]) c.dev.download(dist[1]);
        int mismatches = 0;
        for (int q = 0; q < n; q++) {
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (int j = 0; j < topK; j++) {
                int at = q * topK + j;
                long d = di[at];
                assertTrue(d >= 0 && d < k && seen.add(d), what + ": query " + q + " rank " + j + " index " + d + " invalid or repeated");
                double exact = distance(xs, q, cs, (int) d, dim, cosine);
                assertEquals(exact, dd[at], 1e-6 * Math.max(1, Math.abs(exact)), what + ": reported distance is not the chosen code's");
                if (d != ri[at]) {
                    mismatches++;
                    assertEquals(rd[at], exact, TOL * Math.max(1, Math.abs(rd[at])),
                            what + ": query " + q + " rank " + j + " chose " + d + " over " + ri[at] + ", not a near-tie");
                }
            }
        }
        return new int[] {mismatches};
    }

    static double distance(float[] xs, int q, float[] cs, int code, int dim, boolean cosine) {
        double s = 0, xn = 0, cn = 0;
        for (int j = 0; j < dim; j++) {
            double a = xs[q * dim + j], b = cs[code * dim + j];
            if (cosine) { s += a * b; xn += a * a; cn += b * b; }
            else s += (a - b) * (a - b);
        }
        return cosine ? 1 - s / (Math.max(Math.sqrt(xn), 1e-12) * Math.max(Math.sqrt(cn), 1e-12)) : s;
    }

    private float[] gaussian(int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) c.rng.nextGaussian();
        return a;
    }
}
