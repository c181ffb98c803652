package dev.vq4j.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernel: a {@value #MR}×(2·L) tile of C (L = lanes of the preferred
 * species, so 6×32 with AVX-512) kept in 12 vector accumulators while it walks the packed panels,
 * one rank-1 update per k: two vector loads of B, six broadcasts of A, twelve FMAs. 12 accumulators +
 * 2 B vectors + 1 broadcast = 15 registers, which fits both 16-register AVX2 and 32-register AVX-512
 * without spills; the 12 independent FMA chains cover the FMA latency (4 cycles × 2 ports = 8 in flight).
 *
 * <p>Each C element is one FMA chain in k order; a call with {@code load} continues the chain from C,
 * so splitting k into cache blocks does not change a single bit of the result.
 */
final class MicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;

    private MicroKernel() {}

    /** {@code C[0:MR, 0:NR] = (load ? C : 0) + sum_p a[p][0:MR] ⊗ b[p][0:NR]}; C rows at {@code ci + i*ldc}, unit columns. */
    static void kernel(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load) {
            c00 = FloatVector.fromArray(S, c, ci + 0 * ldc + 0 * L);
            c01 = FloatVector.fromArray(S, c, ci + 0 * ldc + 1 * L);
            c10 = FloatVector.fromArray(S, c, ci + 1 * ldc + 0 * L);
            c11 = FloatVector.fromArray(S, c, ci + 1 * ldc + 1 * L);
            c20 = FloatVector.fromArray(S, c, ci + 2 * ldc + 0 * L);
            c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + 1 * L);
            c30 = FloatVector.fromArray(S, c, ci + 3 * ldc + 0 * L);
            c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + 1 * L);
            c40 = FloatVector.fromArray(S, c, ci + 4 * ldc + 0 * L);
            c41 = FloatVector.fromArray(S, c, ci + 4 * ldc + 1 * L);
            c50 = FloatVector.fromArray(S, c, ci + 5 * ldc + 0 * L);
            c51 = FloatVector.fromArray(S, c, ci + 5 * ldc + 1 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
        }
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai + 0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, ci + 0 * ldc + 0 * L);
        c01.intoArray(c, ci + 0 * ldc + 1 * L);
        c10.intoArray(c, ci + 1 * ldc + 0 * L);
        c11.intoArray(c, ci + 1 * ldc + 1 * L);
        c20.intoArray(c, ci + 2 * ldc + 0 * L);
        c21.intoArray(c, ci + 2 * ldc + 1 * L);
        c30.intoArray(c, ci + 3 * ldc + 0 * L);
        c31.intoArray(c, ci + 3 * ldc + 1 * L);
        c40.intoArray(c, ci + 4 * ldc + 0 * L);
        c41.intoArray(c, ci + 4 * ldc + 1 * L);
        c50.intoArray(c, ci + 5 * ldc + 0 * L);
        c51.intoArray(c, ci + 5 * ldc + 1 * L);
    }
}
