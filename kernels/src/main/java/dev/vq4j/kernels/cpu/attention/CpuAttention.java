package dev.vq4j.kernels.cpu.attention;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.reference.ReferenceAttention;

import java.util.Arrays;

import static dev.vq4j.kernels.cpu.attention.BlockMath.BLOCK;
import static dev.vq4j.kernels.cpu.attention.BlockMath.LANES;
import static dev.vq4j.kernels.cpu.attention.HeadPacks.roundUp;

/**
 * Flash-style attention on the cpu (same meaning as {@link ReferenceAttention}). Queries and keys go in
 * BLOCK-sized tiles; only a BLOCK x BLOCK score tile exists at a time, never the Lq x Lk matrix.
 *
 * <ul>
 *   <li>forward (FlashAttention, Dao et al. 2022): one task per (batch, head, query block) keeps the running
 *       row max m, row sum l and an unnormalised output O; each key tile rescales them by {@code exp(m_old - m_new)}
 *       (online softmax, Milakov &amp; Gimelshein 2018). Saves {@code lse = m + log l}.</li>
 *   <li>backward (FlashAttention-2, Alg. 2) in two race-free passes: pass 1, one task per (batch, head, key block),
 *       walks the query blocks and owns its dK, dV rows; pass 2, one task per (batch, head, query block), walks the
 *       key blocks and owns its dQ rows. P is recomputed from lse in both passes instead of being stored.</li>
 * </ul>
 * Every output element is written by one task in a fixed order: bit-identical from run to run.
 */
public final class CpuAttention {
    private CpuAttention() {}

    public static void forward(View q, View k, View v, View out, View lse, float scale, boolean causal) {
        int bn = q.shape()[0], hn = q.shape()[1], lq = q.shape()[2], d = q.shape()[3];
        int lk = k.shape()[2], dv = v.shape()[3], bh = bn * hn;
        if (bh == 0 || lq == 0) return;
        if (lk == 0 || d == 0 || dv == 0) {
            ReferenceAttention.forward(q, k, v, out, lse, scale, causal);
            return;
        }
        int lqp = roundUp(lq, BLOCK), lkp = roundUp(lk, BLOCK), dp = roundUp(d, LANES), dvp = roundUp(dv, LANES);
        float[] qp = HeadPacks.rows(q, lqp, dp), kt = HeadPacks.columns(k, lkp), vp = HeadPacks.rows(v, lkp, dvp);
        float[] o = HeadPacks.floats(out), l = HeadPacks.floats(lse);
        int qBlocks = lqp / BLOCK;
        Parallel.forRange(bh * qBlocks, (long) BLOCK * lk * (d + dv) * 2, (from, to) -> {
            float[] s = new float[BLOCK * BLOCK], acc = new float[BLOCK * dvp];
            float[] rowMax = new float[BLOCK], rowSum = new float[BLOCK];
            for (int item = from; item < to; item++) {
                int head = item / qBlocks, i0 = (item % qBlocks) * BLOCK, rows = Math.min(BLOCK, lq - i0);
                Arrays.fill(acc, 0f);
                Arrays.fill(rowMax, Float.NEGATIVE_INFINITY);
                Arrays.fill(rowSum, 0f);
                int keyEnd = causal ? Math.min(lk, i0 + rows) : lk;
                for (int j0 = 0; j0 < keyEnd; j0 += BLOCK) {
                    BlockMath.scores(qp, (head * lqp + i0) * dp, dp, kt, head * d * lkp + j0, lkp, d, s);
                    for (int r = 0; r < BLOCK; r++) {
                        int at = r * BLOCK;
                        int visible = r < rows ? Math.min(BLOCK, (causal ? Math.min(lk, i0 + r + 1) : lk) - j0) : 0;
                        if (visible <= 0) {
                            Arrays.fill(s, at, at + BLOCK, 0f);
                            continue;
                        }
                        Arrays.fill(s, at + visible, at + BLOCK, Float.NEGATIVE_INFINITY);
                        float mNew = Math.max(rowMax[r], BlockMath.maxRow(s, at, scale));
                        float alpha = (float) Math.exp(rowMax[r] - mNew);
                        rowSum[r] = rowSum[r] * alpha + BlockMath.expRow(s, at, scale, mNew);
                        rowMax[r] = mNew;
                        if (alpha != 1f) for (int t = r * dvp; t < (r + 1) * dvp; t++) acc[t] *= alpha;
                    }
                    BlockMath.accumulate(s, vp, (head * lkp + j0) * dvp, dvp, dvp, acc, dvp);
                }
                int b = head / hn, h = head % hn;
                int[] os = out.strides(), ls = lse.strides();
                for (int r = 0; r < rows; r++) {
                    float inv = 1f / rowSum[r];
                    int base = out.offset() + b * os[0] + h * os[1] + (i0 + r) * os[2];
                    for (int t = 0; t < dv; t++) o[base + t * os[3]] = acc[r * dvp + t] * inv;
                    l[lse.offset() + b * ls[0] + h * ls[1] + (i0 + r) * ls[2]] = rowMax[r] + (float) Math.log(rowSum[r]);
                }
            }
        });
    }

    public static void backward(View q, View k, View v, View out, View lse, View gradOut,
                                View gradQ, View gradK, View gradV, float scale, boolean causal) {
        int bn = q.shape()[0], hn = q.shape()[1], lq = q.shape()[2], d = q.shape()[3];
        int lk = k.shape()[2], dv = v.shape()[3], bh = bn * hn;
        if (bh == 0 || lq == 0 || lk == 0 || d == 0 || dv == 0) {
            ReferenceAttention.backward(q, k, v, out, lse, gradOut, gradQ, gradK, gradV, scale, causal);
            return;
        }
        int lqp = roundUp(lq, BLOCK), lkp = roundUp(lk, BLOCK), dp = roundUp(d, LANES), dvp = roundUp(dv, LANES);
        float[] qp = HeadPacks.rows(q, lqp, dp), qt = HeadPacks.columns(q, lqp);
        float[] kp = HeadPacks.rows(k, lkp, dp), kt = HeadPacks.columns(k, lkp);
        float[] vp = HeadPacks.rows(v, lkp, dvp), vt = HeadPacks.columns(v, lkp);
        float[] gp = HeadPacks.rows(gradOut, lqp, dvp), gt = HeadPacks.columns(gradOut, lqp);
        // per query: lse (+inf on padding, so exp(s - lse) = 0 there) and D_i = dO_i . O_i
        float[] lsePad = new float[bh * lqp], dRow = new float[bh * lqp];
        float[] o = HeadPacks.floats(out), ls = HeadPacks.floats(lse), g = HeadPacks.floats(gradOut);
        Parallel.forRange(bh, (long) lq * dv, (from, to) -> {
            for (int head = from; head < to; head++) {
                int b = head / hn, h = head % hn;
                for (int i = 0; i < lqp; i++) {
                    if (i >= lq) {
                        lsePad[head * lqp + i] = Float.POSITIVE_INFINITY;
                        continue;
                    }
                    lsePad[head * lqp + i] = ls[lse.offset() + b * lse.strides()[0] + h * lse.strides()[1] + i * lse.strides()[2]];
                    int oBase = out.offset() + b * out.strides()[0] + h * out.strides()[1] + i * out.strides()[2];
                    double dot = 0;
                    for (int t = 0; t < dv; t++) dot += (double) gp[(head * lqp + i) * dvp + t] * o[oBase + t * out.strides()[3]];
                    dRow[head * lqp + i] = (float) dot;
                }
            }
        });
        int qBlocks = lqp / BLOCK, kBlocks = lkp / BLOCK;
        long tileWork = (long) BLOCK * BLOCK * (2L * d + 2L * dv);

        // pass 1: dK, dV per key block; iterate over the query blocks that can see it
        Parallel.forRange(bh * kBlocks, tileWork * qBlocks, (from, to) -> {
            float[] p = new float[BLOCK * BLOCK], ds = new float[BLOCK * BLOCK];
            float[] dk = new float[BLOCK * dp], dvAcc = new float[BLOCK * dvp];
            for (int item = from; item < to; item++) {
                int head = item / kBlocks, j0 = (item % kBlocks) * BLOCK, keys = Math.min(BLOCK, lk - j0);
                Arrays.fill(dk, 0f);
                Arrays.fill(dvAcc, 0f);
                for (int qb = causal ? j0 / BLOCK : 0; qb < qBlocks; qb++) {
                    int i0 = qb * BLOCK;
                    BlockMath.scores(kp, (head * lkp + j0) * dp, dp, qt, head * d * lqp + i0, lqp, d, p); // S^T
                    for (int jr = 0; jr < BLOCK; jr++) {
                        int at = jr * BLOCK;
                        if (jr >= keys) {
                            Arrays.fill(p, at, at + BLOCK, 0f);
                            continue;
                        }
                        if (causal) { // query i sees key j only when j <= i
                            int hidden = Math.min(BLOCK, Math.max(0, j0 + jr - i0));
                            Arrays.fill(p, at, at + hidden, Float.NEGATIVE_INFINITY);
                        }
                        BlockMath.expRowShifted(p, at, scale, lsePad, head * lqp + i0);
                    }
                    BlockMath.accumulate(p, gp, (head * lqp + i0) * dvp, dvp, dvp, dvAcc, dvp); // dV += P^T dO
                    BlockMath.scores(vp, (head * lkp + j0) * dvp, dvp, gt, head * dv * lqp + i0, lqp, dv, ds); // dP^T
                    for (int jr = 0; jr < BLOCK; jr++)
                        BlockMath.softmaxGradRowShifted(p, ds, jr * BLOCK, dRow, head * lqp + i0);
                    BlockMath.accumulate(ds, qp, (head * lqp + i0) * dp, dp, dp, dk, dp); // dK += dS^T Q
                }
                int b = head / hn, h = head % hn;
                float[] dK = HeadPacks.floats(gradK), dV = HeadPacks.floats(gradV);
                int[] ks = gradK.strides(), vs = gradV.strides();
                for (int jr = 0; jr < keys; jr++) {
                    int kBase = gradK.offset() + b * ks[0] + h * ks[1] + (j0 + jr) * ks[2];
                    for (int t = 0; t < d; t++) dK[kBase + t * ks[3]] = dk[jr * dp + t] * scale;
                    int vBase = gradV.offset() + b * vs[0] + h * vs[1] + (j0 + jr) * vs[2];
                    for (int t = 0; t < dv; t++) dV[vBase + t * vs[3]] = dvAcc[jr * dvp + t];
                }
            }
        });

        // pass 2: dQ per query block; iterate over the key blocks it can see
        Parallel.forRange(bh * qBlocks, tileWork * kBlocks / 2, (from, to) -> {
            float[] p = new float[BLOCK * BLOCK], ds = new float[BLOCK * BLOCK], dq = new float[BLOCK * dp];
            for (int item = from; item < to; item++) {
                int head = item / qBlocks, i0 = (item % qBlocks) * BLOCK, rows = Math.min(BLOCK, lq - i0);
                Arrays.fill(dq, 0f);
                int keyEnd = causal ? Math.min(lk, i0 + rows) : lk;
                for (int j0 = 0; j0 < keyEnd; j0 += BLOCK) {
                    BlockMath.scores(qp, (head * lqp + i0) * dp, dp, kt, head * d * lkp + j0, lkp, d, p);
                    BlockMath.scores(gp, (head * lqp + i0) * dvp, dvp, vt, head * dv * lkp + j0, lkp, dv, ds);
                    for (int r = 0; r < BLOCK; r++) {
                        int at = r * BLOCK;
                        int visible = r < rows ? Math.min(BLOCK, (causal ? Math.min(lk, i0 + r + 1) : lk) - j0) : 0;
                        if (visible <= 0) {
                            Arrays.fill(ds, at, at + BLOCK, 0f);
                            continue;
                        }
                        Arrays.fill(p, at + visible, at + BLOCK, Float.NEGATIVE_INFINITY);
                        BlockMath.expRow(p, at, scale, lsePad[head * lqp + i0 + r]);
                        BlockMath.softmaxGradRow(p, ds, at, dRow[head * lqp + i0 + r]);
                    }
                    BlockMath.accumulate(ds, kp, (head * lkp + j0) * dp, dp, dp, dq, dp); // dQ += dS K
                }
                int b = head / hn, h = head % hn;
                float[] dQ = HeadPacks.floats(gradQ);
                int[] qs = gradQ.strides();
                for (int r = 0; r < rows; r++) {
                    int base = gradQ.offset() + b * qs[0] + h * qs[1] + (i0 + r) * qs[2];
                    for (int t = 0; t < d; t++) dQ[base + t * qs[3]] = dq[r * dp + t] * scale;
                }
            }
        });
    }
}
