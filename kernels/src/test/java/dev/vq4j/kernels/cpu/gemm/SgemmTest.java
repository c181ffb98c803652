package dev.vq4j.kernels.cpu.gemm;

import dev.vq4j.core.Backend;
import dev.vq4j.core.DType;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.Rng;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every SGEMM version against a double-precision dot product, on random shapes with odd tails,
 * 1×1, K = 1, tiny and ~300-sized problems, all four transpose combinations, transposed outputs,
 * sliced rows and stride-0 (broadcast) batches. Error is measured against the scale
 * {@code sum_p |a_ip||b_pj|}, which bounds float rounding of any summation order.
 * The packed versions must also be bit-identical to {@link Sgemm0}: each element is the same FMA
 * chain in k order, however it is blocked or threaded.
 */
class SgemmTest {
    private static final double TOL = 1e-5;
    private static final int[] SIZES = {1, 2, 3, 5, 6, 7, 13, 16, 17, 31, 32, 33, 47, 64, 95, 130, 257, 300};

    /** One problem: operands stored in some layout, with views described by strides. */
    private record Problem(int batch, int m, int n, int k, StridedPanel a, StridedPanel b, GemmOut c, String what) {}

    private static Problem random(Rng rng, int batch, int m, int n, int k) {
        boolean ta = rng.nextLong(2) == 1, tb = rng.nextLong(2) == 1, tc = rng.nextLong(3) == 0;
        boolean bcA = batch > 1 && rng.nextLong(4) == 0, bcB = batch > 1 && !bcA && rng.nextLong(4) == 0;
        int pad = (int) rng.nextLong(3); // extra elements per row: a sliced (non-contiguous) view
        // A [batch, m, k]: row-major with leading dimension k+pad, or transposed (stored [k][m+pad])
        int la = (ta ? m : k) + pad, sizeA = (ta ? k : m) * la;
        float[] A = fill(rng, (bcA ? 1 : batch) * sizeA + 3);
        StridedPanel a = ta ? StridedPanel.left(A, 3, bcA ? 0 : sizeA, 1, la) : StridedPanel.left(A, 3, bcA ? 0 : sizeA, la, 1);
        int lb = (tb ? k : n) + pad, sizeB = (tb ? n : k) * lb;
        float[] B = fill(rng, (bcB ? 1 : batch) * sizeB + 1);
        StridedPanel b = tb ? StridedPanel.right(B, 1, bcB ? 0 : sizeB, 1, lb) : StridedPanel.right(B, 1, bcB ? 0 : sizeB, lb, 1);
        float[] C = new float[batch * m * n + 2];
        Arrays.fill(C, Float.NaN);
        GemmOut c = tc ? GemmOut.strided(C, 2, m * n, 1, m) : GemmOut.strided(C, 2, m * n, n, 1);
        return new Problem(batch, m, n, k, a, b, c, "batch " + batch + " m " + m + " n " + n + " k " + k
                + (ta ? " A^T" : "") + (tb ? " B^T" : "") + (tc ? " C^T" : "") + (bcA ? " A-broadcast" : "") + (bcB ? " B-broadcast" : "") + " pad " + pad);
    }

    private static float[] fill(Rng rng, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) rng.nextGaussian();
        return f;
    }

    private static float at(StridedPanel p, int b, int r, int d) {
        return p.data()[p.offset() + b * p.batchStride() + r * p.rowStride() + d * p.depthStride()];
    }

    /** Checks C against double dot products, relative to sum |a||b|. */
    private static void checkAgainstDouble(Problem pr, String version) {
        GemmOut c = pr.c();
        for (int bi = 0; bi < pr.batch(); bi++)
            for (int i = 0; i < pr.m(); i++)
                for (int j = 0; j < pr.n(); j++) {
                    double exact = 0, scale = 0;
                    for (int p = 0; p < pr.k(); p++) {
                        double x = at(pr.a(), bi, i, p), y = at(pr.b(), bi, j, p);
                        exact += x * y;
                        scale += Math.abs(x * y);
                    }
                    float got = c.data()[c.offset() + bi * c.batchStride() + i * c.rowStride() + c.column(j)];
                    double err = Math.abs(got - exact) / Math.max(scale, 1e-30);
                    if (!(err <= TOL) && !(scale == 0 && got == 0))
                        fail(version + " " + pr.what() + ": C[" + bi + "," + i + "," + j + "] = " + got + ", exact " + exact + " (error " + err + " of scale)");
                }
    }

    private static float[] run(int version, Problem pr) {
        Arrays.fill(pr.c().data(), Float.NaN);
        switch (version) {
            case 0 -> Sgemm0.multiply(pr.batch(), pr.m(), pr.n(), pr.k(), pr.a(), pr.b(), pr.c(), false);
            case 1 -> Sgemm1.multiply(pr.batch(), pr.m(), pr.n(), pr.k(), pr.a(), pr.b(), pr.c(), false);
            case 2 -> Sgemm2.multiply(pr.batch(), pr.m(), pr.n(), pr.k(), pr.a(), pr.b(), pr.c(), false);
            default -> Sgemm3.multiply(pr.batch(), pr.m(), pr.n(), pr.k(), pr.a(), pr.b(), pr.c(), false);
        }
        return pr.c().data().clone();
    }

    @Test
    void randomShapesAllVersions() {
        Rng rng = new Rng(3141);
        for (int t = 0; t < 60; t++) {
            int m = SIZES[(int) rng.nextLong(SIZES.length)], n = SIZES[(int) rng.nextLong(SIZES.length)];
            int k = t % 7 == 0 ? 1 : SIZES[(int) rng.nextLong(SIZES.length)];
            Problem pr = random(rng, 1 + (int) rng.nextLong(3), m, n, k);
            float[] reference = run(0, pr);
            checkAgainstDouble(pr, "Sgemm0");
            for (int v = 1; v <= 3; v++) {
                float[] got = run(v, pr);
                if (v == 1) {
                    checkAgainstDouble(pr, "Sgemm1");
                    continue; // i-k-j rounds in the same order, but the scalar tail and vector body may differ on non-FMA paths
                }
                checkAgainstDouble(pr, "Sgemm" + v);
                assertArrayEquals(reference, got, "Sgemm" + v + " is not bit-identical to Sgemm0 on " + pr.what());
            }
        }
    }

    @Test
    void edgeShapes() {
        Rng rng = new Rng(5);
        int[][] shapes = {{1, 1, 1}, {1, 1, 300}, {300, 1, 7}, {1, 300, 7}, {6, 32, 1}, {7, 33, 257}, {145, 2049, 3}, {300, 300, 300}, {12, 64, 513}};
        for (int[] s : shapes) {
            Problem pr = random(rng, 1, s[0], s[1], s[2]);
            float[] reference = run(0, pr);
            assertArrayEquals(reference, run(3, pr), "Sgemm3 vs Sgemm0 on " + pr.what());
            checkAgainstDouble(pr, "Sgemm3");
        }
    }

    @Test
    void emptyDepthWritesZerosAndAccumulateAdds() {
        float[] C = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        StridedPanel none = StridedPanel.left(new float[0], 0, 0, 0, 1);
        Sgemm.multiply(1, 2, 2, 0, none, none, GemmOut.strided(C, 0, 4, 2, 1), false);
        assertArrayEquals(new float[4], C);

        Rng rng = new Rng(9);
        Problem pr = random(rng, 2, 19, 37, 41);
        float[] start = fill(rng, pr.c().data().length);
        float[] expect = start.clone(), got = start.clone();
        GemmOut ce = new GemmOut(expect, pr.c().offset(), pr.c().batchStride(), pr.c().rowStride(), pr.c().colStride(), null);
        GemmOut cg = new GemmOut(got, pr.c().offset(), pr.c().batchStride(), pr.c().rowStride(), pr.c().colStride(), null);
        Sgemm0.multiply(2, 19, 37, 41, pr.a(), pr.b(), ce, true);
        Sgemm.multiply(2, 19, 37, 41, pr.a(), pr.b(), cg, true);
        assertArrayEquals(expect, got, "accumulate on " + pr.what());
    }

    @Test
    void bitIdenticalAcrossThreadCountsAndRuns() {
        Rng rng = new Rng(77);
        Problem pr = random(rng, 3, 211, 389, 301);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = run(3, pr);
            Parallel.setThreads(3);
            float[] three = run(3, pr), again = run(3, pr);
            assertArrayEquals(one, three, "1 vs 3 threads");
            assertArrayEquals(three, again, "two runs");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** The backend entry point: [B,M,K]@[B,K,N] views with transposed, sliced and broadcast operands. */
    @Test
    void backendMatmulMatchesReference() {
        Backend cpu = new CpuBackend(), ref = new dev.vq4j.kernels.reference.ReferenceBackend();
        Rng rng = new Rng(21);
        int batch = 3, m = 37, k = 70, n = 45;
        HostBuffer aBuf = buffer(cpu, rng, k * m), bBuf = buffer(cpu, rng, batch * n * (k + 2));
        View a = new View(aBuf, new int[] {batch, m, k}, new int[] {0, 1, m}, 0); // broadcast batch, transposed
        View b = new View(bBuf, new int[] {batch, k, n}, new int[] {n * (k + 2), 1, k + 2}, 0); // transposed, padded rows
        View expected = View.contiguous(cpu.allocate(DType.FLOAT32, batch * m * n), batch, m, n);
        View actual = View.contiguous(cpu.allocate(DType.FLOAT32, batch * m * n), batch, m, n);
        ref.matmul(a, b, expected);
        cpu.matmul(a, b, actual);
        float[] e = ((HostBuffer) expected.buffer()).floats(), g = ((HostBuffer) actual.buffer()).floats();
        for (int i = 0; i < e.length; i++) assertEquals(e[i], g[i], 1e-4 * Math.max(1, Math.abs(e[i])), "element " + i);
    }

    /**
     * The few-rows path ({@code SmallM}: x·Wᵀ at decode time, at most 16 rows, both operands unit-stride
     * along K) against the reference, for every row count 1..16 and odd widths and depths that leave
     * every block and lane tail, with a broadcast weight batch as a linear layer has.
     */
    @Test
    void fewRowsPathMatchesReference() {
        Backend cpu = new CpuBackend(), ref = new dev.vq4j.kernels.reference.ReferenceBackend();
        Rng rng = new Rng(22);
        for (int m = 1; m <= SmallM.MAX_M; m++)
            for (int[] nk : new int[][] {{1, 1}, {7, 33}, {45, 70}, {130, 17}}) {
                int batch = 2, n = nk[0], k = nk[1];
                HostBuffer aBuf = buffer(cpu, rng, batch * m * k), wBuf = buffer(cpu, rng, n * k);
                View a = View.contiguous(aBuf, batch, m, k);
                View w = new View(wBuf, new int[] {batch, k, n}, new int[] {0, 1, k}, 0); // Wᵀ of a [n, k] weight, shared by the batch
                View expected = View.contiguous(cpu.allocate(DType.FLOAT32, batch * m * n), batch, m, n);
                View actual = View.contiguous(cpu.allocate(DType.FLOAT32, batch * m * n), batch, m, n);
                ref.matmul(a, w, expected);
                cpu.matmul(a, w, actual);
                float[] e = ((HostBuffer) expected.buffer()).floats(), g = ((HostBuffer) actual.buffer()).floats();
                for (int i = 0; i < e.length; i++)
                    assertEquals(e[i], g[i], 1e-5 * Math.max(Math.sqrt(k), Math.abs(e[i])), "m " + m + " n " + n + " k " + k + " element " + i);
            }
    }

    private static HostBuffer buffer(Backend be, Rng rng, int n) {
        HostBuffer b = (HostBuffer) be.allocate(DType.FLOAT32, n);
        float[] f = b.floats();
        for (int i = 0; i < n; i++) f[i] = (float) rng.nextGaussian();
        return b;
    }
}
