package dev.vq4j.kernels.reference;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * Scaled dot-product attention, defined by the plain formulas, one query row at a time in double:
 * {@code s_j = scale * q_i . k_j} (masked to -inf for j > i when causal), {@code lse_i = log sum_j exp(s_j)},
 * {@code p_j = exp(s_j - lse_i)}, {@code out_i = sum_j p_j v_j}.
 *
 * <p>Backward (FlashAttention-2, Dao 2023, Alg. 2): {@code D_i = dO_i . O_i}, {@code dP_ij = dO_i . v_j},
 * {@code dS_ij = p_ij (dP_ij - D_i)}, {@code dQ_i = scale sum_j dS_ij k_j}, {@code dK_j = scale sum_i dS_ij q_i},
 * {@code dV_j = sum_i p_ij dO_i}.
 */
public final class ReferenceAttention {
    private ReferenceAttention() {}

    /** Element (b, h, i, t) of a rank-4 view. */
    static int at(View v, int b, int h, int i, int t) {
        int[] s = v.strides();
        return v.offset() + b * s[0] + h * s[1] + i * s[2] + t * s[3];
    }

    static int at(View v, int b, int h, int i) {
        int[] s = v.strides();
        return v.offset() + b * s[0] + h * s[1] + i * s[2];
    }

    static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }

    /** Keys visible to query i: all Lk, or the first i+1 when causal. */
    static int visibleKeys(int i, int lk, boolean causal) {
        return causal ? Math.min(lk, i + 1) : lk;
    }

    public static void forward(View q, View k, View v, View out, View lse, float scale, boolean causal) {
        int bn = q.shape()[0], hn = q.shape()[1], lq = q.shape()[2], d = q.shape()[3];
        int lk = k.shape()[2], dv = v.shape()[3];
        float[] Q = floats(q), K = floats(k), V = floats(v), O = floats(out), L = floats(lse);
        Parallel.forRange(bn * hn * lq, (long) lk * (d + dv) * 2, (from, to) -> {
            double[] s = new double[lk];
            double[] acc = new double[dv];
            for (int item = from; item < to; item++) {
                int b = item / (hn * lq), h = (item / lq) % hn, i = item % lq;
                int n = visibleKeys(i, lk, causal);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int t = 0; t < d; t++) dot += (double) Q[at(q, b, h, i, t)] * K[at(k, b, h, j, t)];
                    s[j] = dot * scale;
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) sum += Math.exp(s[j] - max);
                double logSum = max + Math.log(sum);
                java.util.Arrays.fill(acc, 0.0);
                for (int j = 0; j < n; j++) {
                    double p = Math.exp(s[j] - logSum);
                    for (int t = 0; t < dv; t++) acc[t] += p * V[at(v, b, h, j, t)];
                }
                for (int t = 0; t < dv; t++) O[at(out, b, h, i, t)] = (float) acc[t];
                L[at(lse, b, h, i)] = (float) logSum;
            }
        });
    }

    public static void backward(View q, View k, View v, View out, View lse, View gradOut,
                                View gradQ, View gradK, View gradV, float scale, boolean causal) {
        int bn = q.shape()[0], hn = q.shape()[1], lq = q.shape()[2], d = q.shape()[3];
        int lk = k.shape()[2], dv = v.shape()[3];
        float[] Q = floats(q), K = floats(k), V = floats(v), O = floats(out), L = floats(lse), G = floats(gradOut);
        float[] GQ = floats(gradQ), GK = floats(gradK), GV = floats(gradV);
        // one task per (batch, head): dK and dV sum over every query of the head
        Parallel.forRange(bn * hn, (long) lq * lk * (2 * d + 2 * dv), (from, to) -> {
            double[] dq = new double[d], dk = new double[lk * d], dvAcc = new double[lk * dv];
            for (int item = from; item < to; item++) {
                int b = item / hn, h = item % hn;
                java.util.Arrays.fill(dk, 0.0);
                java.util.Arrays.fill(dvAcc, 0.0);
                for (int i = 0; i < lq; i++) {
                    double di = 0;
                    for (int t = 0; t < dv; t++) di += (double) G[at(gradOut, b, h, i, t)] * O[at(out, b, h, i, t)];
                    double li = L[at(lse, b, h, i)];
                    java.util.Arrays.fill(dq, 0.0);
                    int n = visibleKeys(i, lk, causal);
                    for (int j = 0; j < n; j++) {
                        double dot = 0;
                        for (int t = 0; t < d; t++) dot += (double) Q[at(q, b, h, i, t)] * K[at(k, b, h, j, t)];
                        double p = Math.exp(dot * scale - li);
                        double dp = 0;
                        for (int t = 0; t < dv; t++) {
                            double g = G[at(gradOut, b, h, i, t)];
                            dp += g * V[at(v, b, h, j, t)];
                            dvAcc[j * dv + t] += p * g;
                        }
                        double ds = p * (dp - di) * scale;
                        for (int t = 0; t < d; t++) {
                            dq[t] += ds * K[at(k, b, h, j, t)];
                            dk[j * d + t] += ds * Q[at(q, b, h, i, t)];
                        }
                    }
                    for (int t = 0; t < d; t++) GQ[at(gradQ, b, h, i, t)] = (float) dq[t];
                }
                for (int j = 0; j < lk; j++) {
                    for (int t = 0; t < d; t++) GK[at(gradK, b, h, j, t)] = (float) dk[j * d + t];
                    for (int t = 0; t < dv; t++) GV[at(gradV, b, h, j, t)] = (float) dvAcc[j * dv + t];
                }
            }
        });
    }
}
