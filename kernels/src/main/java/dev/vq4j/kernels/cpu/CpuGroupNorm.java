package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.reference.ReferenceGroupNorm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * group_norm (+ fused silu) on the cpu, same meaning as {@link ReferenceGroupNorm}. One task per
 * (sample, group), whose Cg*S values are one contiguous run when x is contiguous over [C, S]. Sums are
 * taken in float vector lanes over runs of {@link #RUN} elements and added up in double, so the
 * statistics keep double accuracy at vector speed. Other layouts run the reference loops.
 *
 * <p>Changes: the forward's silu loop has {@link VectorExp}'s operations written out rather than
 * calling it, because C2 sometimes compiled the loop without inlining the 234-byte exp (boxing every
 * vector): it removes a compile-order-dependent slowdown, the steady state is unchanged
 * (docs/perf/codebook-search.md).
 */
final class CpuGroupNorm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements summed in float lanes before the partial sum moves to double. */
    private static final int RUN = 1024;

    private CpuGroupNorm() {}

    /** True when channels are contiguous runs of S elements, channel after channel, within each sample. */
    static boolean groupContiguous(View v) {
        return v.strides()[2] == 1 && v.strides()[1] == v.shape()[2];
    }

    private static float[] floats(View v) {
        return v == null ? null : ((HostBuffer) v.buffer()).floats();
    }

    static void forward(View x, View weight, View bias, int groups, float eps, boolean swish, View out, View mean, View rstd) {
        if (!groupContiguous(x) || !groupContiguous(out)) {
            ReferenceGroupNorm.forward(x, weight, bias, groups, eps, swish, out, mean, rstd);
            return;
        }
        int n = x.shape()[0], c = x.shape()[1], sp = x.shape()[2], cg = c / groups, len = cg * sp;
        float[] X = floats(x), W = floats(weight), B = floats(bias), Y = floats(out), M = floats(mean), R = floats(rstd);
        Parallel.forRange(n * groups, (long) len * 6, (from, to) -> {
            for (int item = from; item < to; item++) {
                int b = item / groups, g = item % groups;
                int xAt = x.offset() + b * x.strides()[0] + g * cg * sp, yAt = out.offset() + b * out.strides()[0] + g * cg * sp;
                double mu = sum(X, xAt, len, 0f) / len;
                double r = 1.0 / Math.sqrt(sumSquares(X, xAt, len, (float) mu) / len + eps);
                for (int cl = 0; cl < cg; cl++) {
                    int ch = g * cg + cl;
                    double w = W == null ? 1 : W[weight.offset() + ch * weight.strides()[0]];
                    double bb = B == null ? 0 : B[bias.offset() + ch * bias.strides()[0]];
                    float scale = (float) (r * w), shift = (float) (bb - mu * r * w);
                    affine(X, xAt + cl * sp, Y, yAt + cl * sp, sp, scale, shift, swish);
                }
                M[mean.offset() + b * mean.strides()[0] + g * mean.strides()[1]] = (float) mu;
                R[rstd.offset() + b * rstd.strides()[0] + g * rstd.strides()[1]] = (float) r;
            }
        });
    }

    static void backward(View x, View weight, View bias, int groups, boolean swish, View mean, View rstd,
                         View gradOut, View gradX, View gradWeight, View gradBias) {
        if (!groupContiguous(x) || !groupContiguous(gradOut) || !groupContiguous(gradX)) {
            ReferenceGroupNorm.backward(x, weight, bias, groups, swish, mean, rstd, gradOut, gradX, gradWeight, gradBias);
            return;
        }
        int n = x.shape()[0], c = x.shape()[1], sp = x.shape()[2], cg = c / groups;
        float[] X = floats(x), W = floats(weight), B = floats(bias), M = floats(mean), R = floats(rstd), G = floats(gradOut), DX = floats(gradX);
        double[] dwPart = new double[n * c], dbPart = new double[n * c]; // per (sample, channel): one task writes each
        Parallel.forRange(n * groups, (long) cg * sp * 12, (from, to) -> {
            float[] dz = new float[cg * sp];
            for (int item = from; item < to; item++) {
                int b = item / groups, g = item % groups;
                int xAt = x.offset() + b * x.strides()[0] + g * cg * sp, gAt = gradOut.offset() + b * gradOut.strides()[0] + g * cg * sp;
                int dAt = gradX.offset() + b * gradX.strides()[0] + g * cg * sp;
                float mu = M[mean.offset() + b * mean.strides()[0] + g * mean.strides()[1]];
                float r = R[rstd.offset() + b * rstd.strides()[0] + g * rstd.strides()[1]];
                double sumD = 0, sumDX = 0; // sums over the group of dxhat = dz*w and dxhat*xhat
                for (int cl = 0; cl < cg; cl++) {
                    int ch = g * cg + cl;
                    float w = W == null ? 1f : W[weight.offset() + ch * weight.strides()[0]];
                    float bb = B == null ? 0f : B[bias.offset() + ch * bias.strides()[0]];
                    double[] sums = upstream(X, xAt + cl * sp, G, gAt + cl * sp, dz, cl * sp, sp, mu, r, w, bb, swish);
                    dbPart[b * c + ch] = sums[0];
                    dwPart[b * c + ch] = sums[1];
                    sumD += sums[0] * w;
                    sumDX += sums[1] * w;
                }
                double count = (double) cg * sp, meanD = sumD / count, meanDX = sumDX / count;
                float md = (float) meanD, mdx = (float) meanDX;
                for (int cl = 0; cl < cg; cl++) {
                    int ch = g * cg + cl;
                    float w = W == null ? 1f : W[weight.offset() + ch * weight.strides()[0]];
                    inputGrad(dz, cl * sp, X, xAt + cl * sp, DX, dAt + cl * sp, sp, w, mu, r, md, mdx);
                }
            }
        });
        for (int ch = 0; ch < c; ch++) {
            double dw = 0, db = 0;
            for (int b = 0; b < n; b++) {
                dw += dwPart[b * c + ch];
                db += dbPart[b * c + ch];
            }
            if (gradWeight != null) floats(gradWeight)[gradWeight.offset() + ch * gradWeight.strides()[0]] = (float) dw;
            if (gradBias != null) floats(gradBias)[gradBias.offset() + ch * gradBias.strides()[0]] = (float) db;
        }
    }

    // ---- vector loops ------------------------------------------------------------------------------

    private static double sum(float[] a, int at, int len, float shift) {
        return sums(a, at, len, shift, false);
    }

    private static double sumSquares(float[] a, int at, int len, float shift) {
        return sums(a, at, len, shift, true);
    }

    /** sum of (a - shift) or (a - shift)², float lanes within runs of RUN, double across runs. */
    private static double sums(float[] a, int at, int len, float shift, boolean square) {
        double total = 0;
        for (int r0 = 0; r0 < len; r0 += RUN) {
            int end = Math.min(len, r0 + RUN), i = r0;
            FloatVector acc = FloatVector.zero(S);
            for (; i + L <= end; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, at + i).sub(shift);
                acc = square ? v.fma(v, acc) : acc.add(v);
            }
            double run = LaneSum.of(acc);
            for (; i < end; i++) {
                double v = a[at + i] - shift;
                run += square ? v * v : v;
            }
            total += run;
        }
        return total;
    }

    /** y = x*scale + shift, then silu if swish. */
    private static void affine(float[] x, int xAt, float[] y, int yAt, int len, float scale, float shift, boolean swish) {
        if (swish) {
            affineSwish(x, xAt, y, yAt, len, scale, shift);
            return;
        }
        int i = 0;
        for (; i + L <= len; i += L) FloatVector.fromArray(S, x, xAt + i).fma(scale, shift).intoArray(y, yAt + i);
        for (; i < len; i++) y[yAt + i] = x[xAt + i] * scale + shift;
    }

    private static final float LOG2E = 1.44269504088896341f, ROUND = 12582912f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float C6 = 1.9875691500e-4f, C5 = 1.3981999507e-3f, C4 = 8.3334519073e-3f,
            C3 = 4.1665795894e-2f, C2 = 1.6666665459e-1f, C1 = 5.0000001201e-1f, LOW = -104f, HIGH = 88.72283905f;

    /**
     * y = silu(x*scale + shift) = z / (1 + exp(-z)), with {@link VectorExp#exp(FloatVector)}'s exact
     * sequence of operations written out in the loop (same bits): the JIT would otherwise sometimes
     * compile this loop without inlining the 234-byte exp ("callee is too large"), boxing every
     * vector and running ~10-100x slower until a later recompilation, which made the forward's
     * timing depend on compilation order.
     */
    private static void affineSwish(float[] x, int xAt, float[] y, int yAt, int len, float scale, float shift) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector z = FloatVector.fromArray(S, x, xAt + i).fma(scale, shift);
            FloatVector nz = z.neg();
            FloatVector xc = nz.max(LOW).min(HIGH + 1f);
            FloatVector n = xc.mul(LOG2E).add(ROUND).sub(ROUND);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(C6, C5).fma(r, FloatVector.broadcast(S, C4)).fma(r, FloatVector.broadcast(S, C3))
                    .fma(r, FloatVector.broadcast(S, C2)).fma(r, FloatVector.broadcast(S, C1));
            FloatVector e = p.mul(r.mul(r)).add(r).add(1f);
            IntVector k = (IntVector) n.convert(VectorOperators.F2I, 0);
            IntVector k1 = k.lanewise(VectorOperators.ASHR, 1), k2 = k.sub(k1);
            e = e.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                 .mul(k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            e = e.blend(Float.POSITIVE_INFINITY, nz.compare(VectorOperators.GT, HIGH));
            e = e.blend(nz, nz.test(VectorOperators.IS_NAN));
            z.div(e.add(1f)).intoArray(y, yAt + i);
        }
        for (; i < len; i++) {
            float z = x[xAt + i] * scale + shift;
            y[yAt + i] = (float) dev.vq4j.kernels.ScalarMath.silu(z);
        }
    }

    /**
     * dz = g * silu'(z) (or g) into dz[dzAt..], z = xhat*w + b recomputed; returns {sum dz, sum dz*xhat}.
     */
    private static double[] upstream(float[] x, int xAt, float[] g, int gAt, float[] dz, int dzAt, int len,
                                     float mu, float r, float w, float b, boolean swish) {
        double sumDz = 0, sumDzX = 0;
        for (int r0 = 0; r0 < len; r0 += RUN) {
            int end = Math.min(len, r0 + RUN), i = r0;
            FloatVector accD = FloatVector.zero(S), accDX = accD;
            for (; i + L <= end; i += L) {
                FloatVector xhat = FloatVector.fromArray(S, x, xAt + i).sub(mu).mul(r);
                FloatVector d = FloatVector.fromArray(S, g, gAt + i);
                if (swish) {
                    FloatVector z = xhat.fma(w, b);
                    FloatVector s = FloatVector.broadcast(S, 1f).div(VectorExp.exp(z.neg()).add(1f));
                    d = d.mul(s.mul(z.mul(s.neg().add(1f)).add(1f)));
                }
                d.intoArray(dz, dzAt + i);
                accD = accD.add(d);
                accDX = d.fma(xhat, accDX);
            }
            double runD = LaneSum.of(accD), runDX = LaneSum.of(accDX);
            for (; i < end; i++) {
                float xhat = (x[xAt + i] - mu) * r;
                float d = g[gAt + i];
                if (swish) d = (float) (d * dev.vq4j.kernels.ScalarMath.siluGrad(xhat * w + b));
                dz[dzAt + i] = d;
                runD += d;
                runDX += (double) d * xhat;
            }
            sumDz += runD;
            sumDzX += runDX;
        }
        return new double[] {sumDz, sumDzX};
    }

    /** dx = r (dz w - meanD - xhat meanDX), xhat = (x - mu) r. */
    private static void inputGrad(float[] dz, int dzAt, float[] x, int xAt, float[] dx, int dxAt, int len,
                                  float w, float mu, float r, float meanD, float meanDX) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector xhat = FloatVector.fromArray(S, x, xAt + i).sub(mu).mul(r);
            FloatVector v = FloatVector.fromArray(S, dz, dzAt + i).mul(w).sub(meanD).sub(xhat.mul(meanDX));
            v.mul(r).intoArray(dx, dxAt + i);
        }
        for (; i < len; i++) {
            float xhat = (x[xAt + i] - mu) * r;
            dx[dxAt + i] = (dz[dzAt + i] * w - meanD - xhat * meanDX) * r;
        }
    }
}
