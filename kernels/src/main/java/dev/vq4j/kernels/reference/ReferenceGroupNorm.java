package dev.vq4j.kernels.reference;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.ScalarMath;

/**
 * group_norm (optionally followed by silu) over x [N,C,S], plain loops in double.
 * Forward: {@code xhat = (x - mean) * rstd}, {@code z = xhat * w[c] + b[c]}, {@code y = swish ? silu(z) : z}.
 * Backward: {@code dz = g * (swish ? silu'(z) : 1)}, {@code dw[c] = sum dz xhat}, {@code db[c] = sum dz},
 * {@code dxhat = dz w[c]}, {@code dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))}, means over the group.
 */
public final class ReferenceGroupNorm {
    private ReferenceGroupNorm() {}

    static float[] floats(View v) {
        return v == null ? null : ((HostBuffer) v.buffer()).floats();
    }

    static int at(View v, int n, int c, int s) {
        int[] st = v.strides();
        return v.offset() + n * st[0] + c * st[1] + s * st[2];
    }

    static double param(float[] a, View v, int c, double absent) {
        return a == null ? absent : a[v.offset() + c * v.strides()[0]];
    }

    public static void forward(View x, View weight, View bias, int groups, float eps, boolean swish, View out, View mean, View rstd) {
        int n = x.shape()[0], c = x.shape()[1], sp = x.shape()[2], cg = c / groups;
        float[] X = floats(x), W = floats(weight), B = floats(bias), Y = floats(out), M = floats(mean), R = floats(rstd);
        Parallel.forRange(n * groups, (long) cg * sp * 8, (from, to) -> {
            for (int item = from; item < to; item++) {
                int b = item / groups, g = item % groups;
                double sum = 0;
                for (int ch = g * cg; ch < (g + 1) * cg; ch++)
                    for (int s = 0; s < sp; s++) sum += X[at(x, b, ch, s)];
                double mu = sum / ((double) cg * sp);
                double sq = 0;
                for (int ch = g * cg; ch < (g + 1) * cg; ch++)
                    for (int s = 0; s < sp; s++) {
                        double e = X[at(x, b, ch, s)] - mu;
                        sq += e * e;
                    }
                double r = 1.0 / Math.sqrt(sq / ((double) cg * sp) + eps);
                for (int ch = g * cg; ch < (g + 1) * cg; ch++) {
                    double w = param(W, weight, ch, 1), bb = param(B, bias, ch, 0);
                    for (int s = 0; s < sp; s++) {
                        double z = (X[at(x, b, ch, s)] - mu) * r * w + bb;
                        Y[at(out, b, ch, s)] = (float) (swish ? ScalarMath.silu(z) : z);
                    }
                }
                M[mean.offset() + b * mean.strides()[0] + g * mean.strides()[1]] = (float) mu;
                R[rstd.offset() + b * rstd.strides()[0] + g * rstd.strides()[1]] = (float) r;
            }
        });
    }

    public static void backward(View x, View weight, View bias, int groups, boolean swish, View mean, View rstd,
                                View gradOut, View gradX, View gradWeight, View gradBias) {
        int n = x.shape()[0], c = x.shape()[1], sp = x.shape()[2], cg = c / groups;
        float[] X = floats(x), W = floats(weight), B = floats(bias), M = floats(mean), R = floats(rstd);
        float[] G = floats(gradOut), DX = floats(gradX), DW = floats(gradWeight), DB = floats(gradBias);
        double[] dwAcc = new double[c], dbAcc = new double[c];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                double mu = M[mean.offset() + b * mean.strides()[0] + g * mean.strides()[1]];
                double r = R[rstd.offset() + b * rstd.strides()[0] + g * rstd.strides()[1]];
                double sumDxhat = 0, sumDxhatXhat = 0;
                double[] dz = new double[cg * sp];
                for (int cl = 0; cl < cg; cl++) {
                    int ch = g * cg + cl;
                    double w = param(W, weight, ch, 1), bb = param(B, bias, ch, 0);
                    for (int s = 0; s < sp; s++) {
                        double xhat = (X[at(x, b, ch, s)] - mu) * r;
                        double z = xhat * w + bb;
                        double d = G[at(gradOut, b, ch, s)] * (swish ? ScalarMath.siluGrad(z) : 1.0);
                        dz[cl * sp + s] = d;
                        dwAcc[ch] += d * xhat;
                        dbAcc[ch] += d;
                        sumDxhat += d * w;
                        sumDxhatXhat += d * w * xhat;
                    }
                }
                double count = (double) cg * sp, meanD = sumDxhat / count, meanDX = sumDxhatXhat / count;
                for (int cl = 0; cl < cg; cl++) {
                    int ch = g * cg + cl;
                    double w = param(W, weight, ch, 1);
                    for (int s = 0; s < sp; s++) {
                        double xhat = (X[at(x, b, ch, s)] - mu) * r;
                        DX[at(gradX, b, ch, s)] = (float) (r * (dz[cl * sp + s] * w - meanD - xhat * meanDX));
                    }
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            if (DW != null) DW[gradWeight.offset() + ch * gradWeight.strides()[0]] = (float) dwAcc[ch];
            if (DB != null) DB[gradBias.offset() + ch * gradBias.strides()[0]] = (float) dbAcc[ch];
        }
    }
}
