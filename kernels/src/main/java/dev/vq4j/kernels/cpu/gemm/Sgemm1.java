package dev.vq4j.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Version 1: i-k-j order, {@code C[i, :] += A[i, p] · B[p, :]} as vector FMAs over a row of B.
 * Vectorised but memory-bound: every FMA reloads and restores C (no register blocking, no packing).
 * Falls back to {@link Sgemm0} unless B's and C's rows are unit-stride.
 */
public final class Sgemm1 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Sgemm1() {}

    public static void multiply(int batch, int m, int n, int k, StridedPanel a, StridedPanel b, GemmOut c, boolean accumulate) {
        if (b.rowStride() != 1 || !c.unitColumns()) {
            Sgemm0.multiply(batch, m, n, k, a, b, c, accumulate);
            return;
        }
        float[] A = a.data(), B = b.data(), C = c.data();
        int bound = S.loopBound(n);
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                int ci = c.offset() + bi * c.batchStride() + i * c.rowStride();
                if (!accumulate) java.util.Arrays.fill(C, ci, ci + n, 0f);
                int ai = a.offset() + bi * a.batchStride() + i * a.rowStride();
                for (int p = 0; p < k; p++) {
                    float s = A[ai + p * a.depthStride()];
                    int bp = b.offset() + bi * b.batchStride() + p * b.depthStride();
                    FloatVector sv = FloatVector.broadcast(S, s);
                    int j = 0;
                    for (; j < bound; j += S.length())
                        sv.fma(FloatVector.fromArray(S, B, bp + j), FloatVector.fromArray(S, C, ci + j)).intoArray(C, ci + j);
                    for (; j < n; j++) C[ci + j] = Math.fma(s, B[bp + j], C[ci + j]);
                }
            }
        }
    }
}
