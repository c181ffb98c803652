package dev.vq4j.kernels.cpu.gemm;

import dev.vq4j.core.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[b] = A[b]·B[b]} for few rows (M ≤ {@link #MAX_M}) when A's rows and B's columns are both
 * unit-stride along K, as {@code x·Wᵀ} of a Linear at decode time (x [M, K], W [N, K] row-major): each
 * output is a dot product of two contiguous runs, so W streams through once with no packing, 4 of its
 * rows against 2 rows of A per register block. The packed SGEMM would copy all of W into panels on every
 * call, which costs more than the multiply when M is a handful of tokens. Lanes are summed in a fixed
 * order: bit-identical from run to run (though not to the packed SGEMM's order).
 *
 * <p>A lone row (batch-1 decoding) takes its outputs one dot product at a time, so W is read as one
 * sequential stream. Tried and measured slower (2026-12-08, EPYC, 2 threads): four rows of W side by
 * side with four accumulators, 17.5 against 25 GB/s over a GPT's 151 MB of weights; the hardware
 * prefetcher follows one stream better than four 2 KB apart.
 */
public final class SmallM {
    private SmallM() {}

    public static final int MAX_M = 16;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * a: floats at aOff + bi·aBatch + i·aRow + kk (unit stride in k); b: bOff + bi·bBatch + j·bCol + kk (unit
     * stride in k); c: cOff + bi·cBatch + i·cRow + j·cCol.
     */
    public static void multiply(int batch, int m, int n, int k, float[] a, int aOff, int aBatch, int aRow,
                                float[] b, int bOff, int bBatch, int bCol, float[] c, int cOff, int cBatch, int cRow, int cCol) {
        int jBlocks = (n + 3) / 4;
        Parallel.forRange(batch * jBlocks, 8L * m * k, (from, to) -> {
            float[] lanes = new float[L];
            for (int item = from; item < to; item++) {
                int bi = item / jBlocks, j0 = (item % jBlocks) * 4, nj = Math.min(4, n - j0);
                int ab = aOff + bi * aBatch, bb = bOff + bi * bBatch, cb = cOff + bi * cBatch;
                for (int i0 = 0; i0 < m; i0 += 2) {
                    int ni = Math.min(2, m - i0);
                    if (ni == 2 && nj == 4) block24(k, a, ab + i0 * aRow, aRow, b, bb + j0 * bCol, bCol, c, cb + i0 * cRow + j0 * cCol, cRow, cCol, lanes);
                    else
                        for (int i = 0; i < ni; i++)
                            for (int j = 0; j < nj; j++)
                                c[cb + (i0 + i) * cRow + (j0 + j) * cCol] = dot(k, a, ab + (i0 + i) * aRow, b, bb + (j0 + j) * bCol, lanes);
                }
            }
        });
    }

    private static float dot(int k, float[] a, int ao, float[] b, int bo, float[] lanes) {
        FloatVector s = FloatVector.zero(S);
        int kk = 0, kv = S.loopBound(k);
        for (; kk < kv; kk += L) s = FloatVector.fromArray(S, a, ao + kk).fma(FloatVector.fromArray(S, b, bo + kk), s);
        float r = sum(s, lanes);
        for (; kk < k; kk++) r += a[ao + kk] * b[bo + kk];
        return r;
    }

    private static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float s = 0;
        for (float x : lanes) s += x;
        return s;
    }

    /** c[i][j] for i < 2, j < 4: 8 accumulators, 6 loads per 8 FMAs. */
    private static void block24(int k, float[] a, int ao, int aRow, float[] b, int bo, int bCol, float[] c, int co, int cRow, int cCol, float[] lanes) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        int kv = S.loopBound(k), kk = 0, a1o = ao + aRow, b1o = bo + bCol, b2o = bo + 2 * bCol, b3o = bo + 3 * bCol;
        for (; kk < kv; kk += L) {
            FloatVector a0 = FloatVector.fromArray(S, a, ao + kk), a1 = FloatVector.fromArray(S, a, a1o + kk);
            FloatVector b0 = FloatVector.fromArray(S, b, bo + kk);
            s00 = a0.fma(b0, s00); s10 = a1.fma(b0, s10);
            FloatVector b1 = FloatVector.fromArray(S, b, b1o + kk);
            s01 = a0.fma(b1, s01); s11 = a1.fma(b1, s11);
            FloatVector b2 = FloatVector.fromArray(S, b, b2o + kk);
            s02 = a0.fma(b2, s02); s12 = a1.fma(b2, s12);
            FloatVector b3 = FloatVector.fromArray(S, b, b3o + kk);
            s03 = a0.fma(b3, s03); s13 = a1.fma(b3, s13);
        }
        store(s00, kk, k, a, ao, b, bo, c, co, lanes);
        store(s01, kk, k, a, ao, b, b1o, c, co + cCol, lanes);
        store(s02, kk, k, a, ao, b, b2o, c, co + 2 * cCol, lanes);
        store(s03, kk, k, a, ao, b, b3o, c, co + 3 * cCol, lanes);
        store(s10, kk, k, a, a1o, b, bo, c, co + cRow, lanes);
        store(s11, kk, k, a, a1o, b, b1o, c, co + cRow + cCol, lanes);
        store(s12, kk, k, a, a1o, b, b2o, c, co + cRow + 2 * cCol, lanes);
        store(s13, kk, k, a, a1o, b, b3o, c, co + cRow + 3 * cCol, lanes);
    }

    private static void store(FloatVector s, int kk, int k, float[] a, int ao, float[] b, int bo, float[] c, int at, float[] lanes) {
        float r = sum(s, lanes);
        for (int t = kk; t < k; t++) r += a[ao + t] * b[bo + t];
        c[at] = r;
    }
}
