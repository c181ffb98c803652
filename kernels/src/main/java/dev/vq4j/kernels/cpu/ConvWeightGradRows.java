package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weight gradient of a stride-1 ungrouped convolution as dot products along output rows, with no
 * packing: {@code gradW[o, c, i, j] = Σ_{b, oh, ow} gradOut[b, o, oh, ow] · Xp[b, c, oh + i·dH, ow + j·dW]}
 * where Xp is the input with its padding written out as zeros (one copy per image). Both factors are
 * contiguous along {@code ow}, so the kernel streams them straight from memory: a 4 (o) × 3 (j) block of
 * vector accumulators takes 4 gradOut loads and 3 shifted input loads per 12 FMAs. The packed GEMM
 * instead has to transpose both operands into panels (depth = positions), which cost more than the
 * FMAs when one side has only a few channels (the 3→64 first layer, the 64→3 last one). With many
 * channels on both sides the GEMM wins (its panels are reused across a whole tile), so only those
 * few-channel convolutions come here.
 *
 * <p>Blocks at the edges (fewer than 4 output channels, kw not a multiple of 3) run the same 4×3 kernel
 * with the missing rows/taps pointing at the last real one: they repeat its exact computation and
 * store the same value twice, so no slow masked 1×1 loop is needed.
 *
 * <p>Determinism: accumulator lanes hold partial sums over {@code ow ≡ lane (mod L)}, always in the
 * order (image, oh, ow chunk); each (o, c, i, j) is owned by the task of its (o block, c); the lanes are
 * finally added by {@link LaneSum} in lane order. So the result does not depend on the thread count.
 */
final class ConvWeightGradRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int OB = 4, JB = 3;
    /** Positions per block of output rows (the 4 gradOut rows of a block then stay in L1). */
    private static final int BLOCK_POSITIONS = 1024;

    /** Floats of lane accumulators (Cout·taps·L) up to which this path is used: 4 MiB. */
    private static final long MAX_ACCUMULATORS = 1L << 20;
    /**
     * Input or output channels up to which this path beats the GEMM (measured with 2 threads, batch 8,
     * 64×64: 3→64 and 64→3 faster here, 64→64 about 1.6× faster, and 1×1 convs ~5-25× faster on the GEMM).
     */
    static final int MAX_CHANNELS = 8;

    private ConvWeightGradRows() {}

    static boolean applies(View x, View gradOut, View gradW, Conv2dParams p) {
        int oc = gradOut.shape()[1], c = x.shape()[1], kh = gradW.shape()[2], kw = gradW.shape()[3];
        return p.strideH() == 1 && p.strideW() == 1 && p.groups() == 1 && gradOut.strides()[3] == 1
                && gradOut.shape()[3] > 0 && gradOut.shape()[2] > 0
                && kh * kw > 1 && Math.min(oc, c) <= MAX_CHANNELS
                && (long) oc * c * kh * kw * L <= MAX_ACCUMULATORS;
    }

    static void weightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
        int ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        int oc = gradW.shape()[0], kh = gradW.shape()[2], kw = gradW.shape()[3];
        int dh = p.dilationH(), dw = p.dilationW(), ph = p.padH(), pw = p.padW();
        // padded image: rows oh + i·dH < ho + (kh-1)·dH, columns up to a whole vector past wo + (kw-1)·dW
        int hp = ho + (kh - 1) * dh, wp = roundUp(wo, L) + (kw - 1) * dw;
        int plane = hp * wp, taps = c * kh * kw;
        float[] xp = new float[c * plane];
        float[] acc = new float[oc * taps * L];
        float[] X = floats(x), G = floats(gradOut);
        int[] xs = x.strides(), gs = gradOut.strides();
        int rowsPerBlock = Math.max(1, BLOCK_POSITIONS / wo);
        int oBlocks = (oc + OB - 1) / OB;
        for (int b = 0; b < n; b++) {
            int xb = x.offset() + b * xs[0], gb = gradOut.offset() + b * gs[0];
            Parallel.forRange(c, (long) plane, (from, to) -> {
                for (int ci = from; ci < to; ci++)
                    for (int r = 0; r < hp; r++) {
                        int y = r - ph, at = ci * plane + r * wp;
                        for (int col = 0; col < wp; col++) {
                            int xx = col - pw;
                            xp[at + col] = y >= 0 && y < h && xx >= 0 && xx < w ? X[xb + ci * xs[1] + y * xs[2] + xx * xs[3]] : 0f;
                        }
                    }
            });
            // items (o block, input channel), o-block major: enough of them even when Cout < 4 (the last layer)
            Parallel.forRange(oBlocks * c, 2L * OB * kh * kw * ho * wo, (from, to) -> {
                for (int item = from; item < to; ) {
                    int ob = item / c, c0 = item % c, c1 = Math.min(c, c0 + to - item);
                    int o0 = ob * OB, on = Math.min(OB, oc - o0);
                    for (int r0 = 0; r0 < ho; r0 += rowsPerBlock) {
                        int r1 = Math.min(ho, r0 + rowsPerBlock);
                        for (int ci = c0; ci < c1; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j0 = 0; j0 < kw; j0 += JB) {
                                    int t0 = (ci * kh + i) * kw + j0;
                                    int xrow = ci * plane + i * dh * wp + j0 * dw;
                                    block4x3(G, gb + o0 * gs[1], gs[1], gs[2], on, xp, xrow, wp, dw, Math.min(JB, kw - j0),
                                            r0, r1, wo, acc, (o0 * taps + t0) * L, taps * L);
                                }
                    }
                    item += c1 - c0;
                }
            });
        }
        float[] D = floats(gradW);
        int[] ds = gradW.strides();
        Parallel.forRange(oc, (long) taps * L, (from, to) -> {
            for (int o = from; o < to; o++)
                for (int t = 0; t < taps; t++) {
                    int ci = t / (kh * kw), i = (t / kw) % kh, j = t % kw, a = (o * taps + t) * L;
                    double sum = 0; // the lanes in lane order, as LaneSum
                    for (int l = 0; l < L; l++) sum += acc[a + l];
                    D[gradW.offset() + o * ds[0] + ci * ds[1] + i * ds[2] + j * ds[3]] = (float) sum;
                }
        });
    }

    /**
     * acc[o][j] += Σ_{oh in [r0,r1), ow} G[o][oh, ow] · xp[xrow + oh·wp + ow + j·dw] for 4 o and 3 j; rows
     * {@code o >= on} and taps {@code j >= jn} repeat the last real one (same sums, stored twice).
     */
    private static void block4x3(float[] G, int g0, int go, int gr, int on, float[] xp, int xrow, int wp, int dw, int jn,
                                 int r0, int r1, int wo, float[] acc, int a0, int ao) {
        int o1 = Math.min(1, on - 1) * go, o2 = Math.min(2, on - 1) * go, o3 = Math.min(3, on - 1) * go;
        int x1o = Math.min(1, jn - 1) * dw, x2o = Math.min(2, jn - 1) * dw;
        int b1 = Math.min(1, on - 1) * ao, b2 = Math.min(2, on - 1) * ao, b3 = Math.min(3, on - 1) * ao;
        int l1 = Math.min(1, jn - 1) * L, l2 = Math.min(2, jn - 1) * L;
        FloatVector a00 = FloatVector.fromArray(S, acc, a0), a01 = FloatVector.fromArray(S, acc, a0 + l1), a02 = FloatVector.fromArray(S, acc, a0 + l2);
        FloatVector a10 = FloatVector.fromArray(S, acc, a0 + b1), a11 = FloatVector.fromArray(S, acc, a0 + b1 + l1), a12 = FloatVector.fromArray(S, acc, a0 + b1 + l2);
        FloatVector a20 = FloatVector.fromArray(S, acc, a0 + b2), a21 = FloatVector.fromArray(S, acc, a0 + b2 + l1), a22 = FloatVector.fromArray(S, acc, a0 + b2 + l2);
        FloatVector a30 = FloatVector.fromArray(S, acc, a0 + b3), a31 = FloatVector.fromArray(S, acc, a0 + b3 + l1), a32 = FloatVector.fromArray(S, acc, a0 + b3 + l2);
        int full = wo - wo % L;
        for (int oh = r0; oh < r1; oh++) {
            int g = g0 + oh * gr, xr = xrow + oh * wp;
            for (int ow = 0; ow < wo; ow += L) {
                FloatVector g0v, g1v, g2v, g3v, x0, x1, x2;
                if (ow < full) {
                    g0v = FloatVector.fromArray(S, G, g + ow);
                    g1v = FloatVector.fromArray(S, G, g + o1 + ow);
                    g2v = FloatVector.fromArray(S, G, g + o2 + ow);
                    g3v = FloatVector.fromArray(S, G, g + o3 + ow);
                    x0 = FloatVector.fromArray(S, xp, xr + ow);
                    x1 = FloatVector.fromArray(S, xp, xr + ow + x1o);
                    x2 = FloatVector.fromArray(S, xp, xr + ow + x2o);
                } else {
                    VectorMask<Float> m = S.indexInRange(ow, wo);
                    g0v = FloatVector.fromArray(S, G, g + ow, m);
                    g1v = FloatVector.fromArray(S, G, g + o1 + ow, m);
                    g2v = FloatVector.fromArray(S, G, g + o2 + ow, m);
                    g3v = FloatVector.fromArray(S, G, g + o3 + ow, m);
                    x0 = FloatVector.fromArray(S, xp, xr + ow, m);
                    x1 = FloatVector.fromArray(S, xp, xr + ow + x1o, m);
                    x2 = FloatVector.fromArray(S, xp, xr + ow + x2o, m);
                }
                a00 = g0v.fma(x0, a00); a01 = g0v.fma(x1, a01); a02 = g0v.fma(x2, a02);
                a10 = g1v.fma(x0, a10); a11 = g1v.fma(x1, a11); a12 = g1v.fma(x2, a12);
                a20 = g2v.fma(x0, a20); a21 = g2v.fma(x1, a21); a22 = g2v.fma(x2, a22);
                a30 = g3v.fma(x0, a30); a31 = g3v.fma(x1, a31); a32 = g3v.fma(x2, a32);
            }
        }
        a00.intoArray(acc, a0); a01.intoArray(acc, a0 + l1); a02.intoArray(acc, a0 + l2);
        a10.intoArray(acc, a0 + b1); a11.intoArray(acc, a0 + b1 + l1); a12.intoArray(acc, a0 + b1 + l2);
        a20.intoArray(acc, a0 + b2); a21.intoArray(acc, a0 + b2 + l1); a22.intoArray(acc, a0 + b2 + l2);
        a30.intoArray(acc, a0 + b3); a31.intoArray(acc, a0 + b3 + l1); a32.intoArray(acc, a0 + b3 + l2);
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }
}
