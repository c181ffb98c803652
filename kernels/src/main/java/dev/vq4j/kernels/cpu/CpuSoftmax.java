package dev.vq4j.kernels.cpu;

import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.StridedLoop;
import dev.vq4j.kernels.reference.ReferenceSoftmax;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * softmax / log_softmax along contiguous last-dim rows (same meaning as {@link ReferenceSoftmax}): one pass
 * for the max, one writing exp(x - max) while summing, one scaling; rows split across threads.
 * Rows that are not unit-stride run the reference loops.
 */
final class CpuSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CpuSoftmax() {}

    private static boolean unitRows(View... views) {
        for (View v : views) if (v.rank() == 0 || v.strides()[v.rank() - 1] != 1) return false;
        return true;
    }

    static void forward(View x, View out, boolean log) {
        if (!unitRows(x, out)) {
            ReferenceSoftmax.forward(x, out, log);
            return;
        }
        float[] X = ((HostBuffer) x.buffer()).floats(), Y = ((HostBuffer) out.buffer()).floats();
        StridedLoop.forEachRow(out.shape(), new int[][] {x.strides(), out.strides()}, new int[] {x.offset(), out.offset()}, 16,
                (off, n, st) -> {
                    int xa = off[0], ya = off[1], i = 0;
                    FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                    for (; i + L <= n; i += L) mv = mv.max(FloatVector.fromArray(S, X, xa + i));
                    float max = mv.reduceLanes(VectorOperators.MAX);
                    for (; i < n; i++) max = Math.max(max, X[xa + i]);
                    if (max == Float.NEGATIVE_INFINITY) max = 0f;
                    FloatVector sv = FloatVector.zero(S);
                    for (i = 0; i + L <= n; i += L) {
                        FloatVector e = VectorExp.exp(FloatVector.fromArray(S, X, xa + i).sub(max));
                        if (!log) e.intoArray(Y, ya + i);
                        sv = sv.add(e);
                    }
                    double sum = LaneSum.of(sv);
                    for (; i < n; i++) {
                        double e = Math.exp(X[xa + i] - max);
                        if (!log) Y[ya + i] = (float) e;
                        sum += e;
                    }
                    if (log) {
                        float shift = (float) (max + Math.log(sum));
                        for (i = 0; i + L <= n; i += L) FloatVector.fromArray(S, X, xa + i).sub(shift).intoArray(Y, ya + i);
                        for (; i < n; i++) Y[ya + i] = X[xa + i] - shift;
                    } else {
                        float inv = (float) (1.0 / sum);
                        for (i = 0; i + L <= n; i += L) FloatVector.fromArray(S, Y, ya + i).mul(inv).intoArray(Y, ya + i);
                        for (; i < n; i++) Y[ya + i] *= inv;
                    }
                });
    }

    static void backward(View y, View gradOut, View gradIn, boolean log) {
        if (!unitRows(y, gradOut, gradIn)) {
            ReferenceSoftmax.backward(y, gradOut, gradIn, log);
            return;
        }
        float[] Y = ((HostBuffer) y.buffer()).floats(), G = ((HostBuffer) gradOut.buffer()).floats(), D = ((HostBuffer) gradIn.buffer()).floats();
        StridedLoop.forEachRow(gradIn.shape(), new int[][] {y.strides(), gradOut.strides(), gradIn.strides()},
                new int[] {y.offset(), gradOut.offset(), gradIn.offset()}, 8, (off, n, st) -> {
                    int ya = off[0], ga = off[1], da = off[2], i = 0;
                    // sum(g·y) (or sum(g)) in double, rounded once: at the row's largest probability
                    // g − s cancels, so s must be as exact as float allows (PyTorch's is within an ulp)
                    double dot = 0;
                    for (; i < n; i++) dot += log ? G[ga + i] : (double) G[ga + i] * Y[ya + i];
                    // s = sHi + sLo carries the double sum into the float arithmetic: g − sHi is exact
                    // where it cancels, and sLo then restores the bits a single float would lose
                    float s = (float) dot, sLo = (float) (dot - s);
                    for (i = 0; i + L <= n; i += L) {
                        FloatVector g = FloatVector.fromArray(S, G, ga + i), yv = FloatVector.fromArray(S, Y, ya + i);
                        FloatVector r;
                        if (log) {
                            FloatVector e = VectorExp.exp(yv);
                            r = e.mul(-s).add(g).sub(e.mul(sLo));
                        } else {
                            r = g.sub(s).sub(sLo).mul(yv);
                        }
                        r.intoArray(D, da + i);
                    }
                    for (; i < n; i++) D[da + i] = log ? (float) (G[ga + i] - Math.exp(Y[ya + i]) * dot) : Y[ya + i] * (G[ga + i] - s - sLo);
                });
    }
}
