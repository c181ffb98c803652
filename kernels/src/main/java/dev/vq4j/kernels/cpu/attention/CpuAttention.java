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
 *   <li>backward (FlashAttention-2, Alg. 2), race-free without atomics: when the heads split evenly over the
 *       threads, one pass with one task per (batch, head) that owns dQ, dK and dV of its head (5 tile products);
 *       otherwise two passes: pass 1, one task per (batch, head, key block), walks the query blocks and owns its
 *       dK, dV rows; pass 2, one task per (batch, head, query block), walks the key blocks and owns its dQ rows.
 *       Both paths sum in the same order. P is recomputed from lse instead of being stored.</li>
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
        if (lq <= FEW_QUERIES) {
            fewQueries(q, k, v, out, lse, scale, causal);
            return;
        }
        int lqp = roundUp(lq, BLOCK), lkp = roundUp(lk, BLOCK), dp = roundUp(d, LANES), dvp = roundUp(dv, LANES);
        float[] qt = HeadPacks.columns(q, lqp, dp), kp = HeadPacks.rows(k, lkp, dp), vp = HeadPacks.rows(v, lkp, dvp);
        float[] o = HeadPacks.floats(out), l = HeadPacks.floats(lse);
        int qBlocks = lqp / BLOCK;
        Parallel.forRange(bh * qBlocks, (long) BLOCK * lk * (d + dv) * 2, (from, to) -> {
            // the score tile is kept transposed (keys x queries), so the per-query max and sum of the
            // online softmax run down the columns with plain vector ops, no lane reductions
            float[] st = new float[BLOCK * BLOCK], acc = new float[BLOCK * dvp];
            float[] rowMax = new float[BLOCK], rowSum = new float[BLOCK], alpha = new float[BLOCK], shift = new float[BLOCK];
            for (int item = from; item < to; item++) {
                int head = item / qBlocks, i0 = (item % qBlocks) * BLOCK, rows = Math.min(BLOCK, lq - i0);
                Arrays.fill(acc, 0f);
                Arrays.fill(rowMax, Float.NEGATIVE_INFINITY);
                Arrays.fill(rowSum, 0f);
                int keyEnd = causal ? Math.min(lk, i0 + rows) : lk, qTile = HeadPacks.tile(head, i0 / BLOCK, lqp, dp);
                for (int j0 = 0; j0 < keyEnd; j0 += BLOCK) {
                    BlockMath.scores(kp, HeadPacks.tile(head, j0 / BLOCK, lkp, dp), qt, qTile, dp, st); // S^T
                    int keys = Math.min(BLOCK, lk - j0);
                    for (int jr = 0; jr < BLOCK; jr++) {
                        int at = jr * BLOCK;
                        if (jr >= keys) Arrays.fill(st, at, at + BLOCK, Float.NEGATIVE_INFINITY);
                        else if (causal) // query i sees key j only when j <= i
                            Arrays.fill(st, at, at + Math.min(BLOCK, Math.max(0, j0 + jr - i0)), Float.NEGATIVE_INFINITY);
                    }
                    BlockMath.softmaxColumns(st, scale, rowMax, rowSum, alpha, shift);
                    for (int r = 0; r < rows; r++) if (alpha[r] != 1f) BlockMath.scale(acc, r * dvp, dvp, alpha[r]);
                    BlockMath.accumulate(st, 1, BLOCK, vp, HeadPacks.tile(head, j0 / BLOCK, lkp, dvp), dvp, acc, 0, dvp); // O += P V
                }
                int b = head / hn, h = head % hn;
                int[] os = out.strides(), ls = lse.strides();
                for (int r = 0; r < rows; r++) {
                    float inv = 1f / rowSum[r];
                    int base = out.offset() + b * os[0] + h * os[1] + (i0 + r) * os[2];
                    if (os[3] == 1) for (int t = 0; t < dv; t++) o[base + t] = acc[r * dvp + t] * inv; // unit stride: vectorised by C2
                    else for (int t = 0; t < dv; t++) o[base + t * os[3]] = acc[r * dvp + t] * inv;
                    l[lse.offset() + b * ls[0] + h * ls[1] + (i0 + r) * ls[2]] = rowMax[r] + (float) Math.log(rowSum[r]);
                }
            }
        });
    }

    /** Up to this many queries (a decode step: one new row per sequence) skip the tiles, see {@link #fewQueries}. */
    static final int FEW_QUERIES = 4;

    /**
     * A handful of query rows against the keys as they lie (a KV cache): per row the scores q·k_j over the
     * visible keys, a plain two-pass softmax, then O = Σ p_j v_j, reading K and V in place; no packing and no
     * BLOCK-row padding of the queries, which for one row would be BLOCK times the work. One task per (batch,
     * head): bit-identical from run to run.
     */
    private static void fewQueries(View q, View k, View v, View out, View lse, float scale, boolean causal) {
        int bn = q.shape()[0], hn = q.shape()[1], lq = q.shape()[2], d = q.shape()[3], lk = k.shape()[2], dv = v.shape()[3];
        float[] qf = HeadPacks.floats(q), kf = HeadPacks.floats(k), vf = HeadPacks.floats(v), o = HeadPacks.floats(out), l = HeadPacks.floats(lse);
        int[] qs = q.strides(), ks = k.strides(), vs = v.strides(), os = out.strides(), ls = lse.strides();
        Parallel.forRange(bn * hn, (long) lq * lk * (d + dv) * 2, (from, to) -> {
            float[] p = new float[lk], acc = new float[dv], qrow = new float[d], lanes = new float[LANES];
            for (int head = from; head < to; head++) {
                int b = head / hn, h = head % hn;
                int kb = k.offset() + b * ks[0] + h * ks[1], vb = v.offset() + b * vs[0] + h * vs[1];
                for (int i = 0; i < lq; i++) {
                    int qb = q.offset() + b * qs[0] + h * qs[1] + i * qs[2];
                    for (int t = 0; t < d; t++) qrow[t] = qf[qb + t * qs[3]];
                    int keys = causal ? Math.min(lk, i + 1) : lk;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < keys; j++) {
                        float s = scale * BlockMath.dot(qrow, kf, kb + j * ks[2], ks[3], d, lanes);
                        p[j] = s;
                        if (s > max) max = s;
                    }
                    float sum = 0;
                    for (int j = 0; j < keys; j++) sum += p[j] = (float) Math.exp(p[j] - max);
                    Arrays.fill(acc, 0f);
                    for (int j = 0; j < keys; j++) BlockMath.axpy(p[j], vf, vb + j * vs[2], vs[3], acc, dv);
                    float inv = 1f / sum;
                    int ob = out.offset() + b * os[0] + h * os[1] + i * os[2];
                    for (int t = 0; t < dv; t++) o[ob + t * os[3]] = acc[t] * inv;
                    l[lse.offset() + b * ls[0] + h * ls[1] + i * ls[2]] = max + (float) Math.log(sum);
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
        float[] qp = HeadPacks.rows(q, lqp, dp), qt = HeadPacks.columns(q, lqp, dp), kp = HeadPacks.rows(k, lkp, dp);
        float[] vp = HeadPacks.rows(v, lkp, dvp), gp = HeadPacks.rows(gradOut, lqp, dvp), gt = HeadPacks.columns(gradOut, lqp, dvp);
        // per query: lse (+inf on padding, so exp(s - lse) = 0 there) and D_i = dO_i . O_i
        float[] lsePad = new float[bh * lqp], dRow = new float[bh * lqp];
        float[] o = HeadPacks.floats(out), ls = HeadPacks.floats(lse), g = HeadPacks.floats(gradOut);
        Parallel.forRange(bh, (long) lq * dv, (from, to) -> {
            int[] os = out.strides(), gs = gradOut.strides(), lss = lse.strides();
            for (int head = from; head < to; head++) {
                int b = head / hn, h = head % hn;
                for (int i = 0; i < lqp; i++) {
                    if (i >= lq) {
                        lsePad[head * lqp + i] = Float.POSITIVE_INFINITY;
                        continue;
                    }
                    lsePad[head * lqp + i] = ls[lse.offset() + b * lss[0] + h * lss[1] + i * lss[2]];
                    int oBase = out.offset() + b * os[0] + h * os[1] + i * os[2];
                    int gBase = gradOut.offset() + b * gs[0] + h * gs[1] + i * gs[2];
                    double dot = 0;
                    for (int t = 0; t < dv; t++) dot += (double) g[gBase + t * gs[3]] * o[oBase + t * os[3]];
                    dRow[head * lqp + i] = (float) dot;
                }
            }
        });
        int qBlocks = lqp / BLOCK, kBlocks = lkp / BLOCK;
        long tileWork = (long) BLOCK * BLOCK * (2L * d + 2L * dv);
        int threads = Parallel.threads();

        if (bh % threads == 0 || bh >= 3 * threads) {
            // one pass, one task per (batch, head): it owns the head's dQ as well, so dQ += dS K needs no
            // second recomputation of S and dP (5 tile products instead of 7). The sums run in the same
            // order as in the two passes below, so both paths give the same bits.
            Parallel.forRange(bh, tileWork * qBlocks * kBlocks, (from, to) -> {
                float[] p = new float[BLOCK * BLOCK], ds = new float[BLOCK * BLOCK];
                float[] dk = new float[BLOCK * dp], dvAcc = new float[BLOCK * dvp], dq = new float[lqp * dp];
                for (int head = from; head < to; head++) {
                    Arrays.fill(dq, 0f);
                    for (int kb = 0; kb < kBlocks; kb++) {
                        keyBlock(head, kb, causal, lk, lqp, lkp, dp, dvp, scale, qp, qt, kp, vp, gp, gt, lsePad, dRow, p, ds, dk, dvAcc, dq);
                        writeKeyGrads(gradK, gradV, head, hn, kb * BLOCK, Math.min(BLOCK, lk - kb * BLOCK), d, dv, dp, dvp, scale, dk, dvAcc);
                    }
                    writeQueryGrads(gradQ, head, hn, 0, lq, d, dp, scale, dq, 0);
                }
            });
            return;
        }

        // pass 1: dK, dV per key block; iterate over the query blocks that can see it
        Parallel.forRange(bh * kBlocks, tileWork * qBlocks, (from, to) -> {
            float[] p = new float[BLOCK * BLOCK], ds = new float[BLOCK * BLOCK];
            float[] dk = new float[BLOCK * dp], dvAcc = new float[BLOCK * dvp];
            for (int item = from; item < to; item++) {
                int head = item / kBlocks, kb = item % kBlocks;
                keyBlock(head, kb, causal, lk, lqp, lkp, dp, dvp, scale, qp, qt, kp, vp, gp, gt, lsePad, dRow, p, ds, dk, dvAcc, null);
                writeKeyGrads(gradK, gradV, head, hn, kb * BLOCK, Math.min(BLOCK, lk - kb * BLOCK), d, dv, dp, dvp, scale, dk, dvAcc);
            }
        });

        // pass 2: dQ per query block; iterate over the key blocks it can see
        float[] kt = HeadPacks.columns(k, lkp, dp), vt = HeadPacks.columns(v, lkp, dvp);
        Parallel.forRange(bh * qBlocks, tileWork * kBlocks / 2, (from, to) -> {
            float[] p = new float[BLOCK * BLOCK], ds = new float[BLOCK * BLOCK], dq = new float[BLOCK * dp];
            for (int item = from; item < to; item++) {
                int head = item / qBlocks, i0 = (item % qBlocks) * BLOCK, rows = Math.min(BLOCK, lq - i0);
                Arrays.fill(dq, 0f);
                int keyEnd = causal ? Math.min(lk, i0 + rows) : lk;
                for (int j0 = 0; j0 < keyEnd; j0 += BLOCK) {
                    BlockMath.scores(qp, HeadPacks.tile(head, i0 / BLOCK, lqp, dp), kt, HeadPacks.tile(head, j0 / BLOCK, lkp, dp), dp, p);
                    BlockMath.scores(gp, HeadPacks.tile(head, i0 / BLOCK, lqp, dvp), vt, HeadPacks.tile(head, j0 / BLOCK, lkp, dvp), dvp, ds);
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
                    BlockMath.accumulate(ds, BLOCK, 1, kp, HeadPacks.tile(head, j0 / BLOCK, lkp, dp), dp, dq, 0, dp); // dQ += dS K
                }
                writeQueryGrads(gradQ, head, hn, i0, rows, d, dp, scale, dq, i0);
            }
        });
    }

    /**
     * dK, dV of key block {@code kb} of one head (into dk, dvAcc) over the query blocks that see it, on
     * transposed tiles {@code S^T = K Q^T}, {@code dP^T = V dO^T}; with {@code dq} non-null also
     * {@code dQ += dS K} for each query block (dq holds the whole head, [lqp][dp]).
     */
    private static void keyBlock(int head, int kb, boolean causal, int lk, int lqp, int lkp, int dp, int dvp, float scale,
                                 float[] qp, float[] qt, float[] kp, float[] vp, float[] gp, float[] gt, float[] lsePad, float[] dRow,
                                 float[] p, float[] ds, float[] dk, float[] dvAcc, float[] dq) {
        int j0 = kb * BLOCK, keys = Math.min(BLOCK, lk - j0), qBlocks = lqp / BLOCK;
        Arrays.fill(dk, 0f);
        Arrays.fill(dvAcc, 0f);
        int kTile = HeadPacks.tile(head, kb, lkp, dp), vTile = HeadPacks.tile(head, kb, lkp, dvp);
        for (int qb = causal ? kb : 0; qb < qBlocks; qb++) {
            int i0 = qb * BLOCK;
            BlockMath.scores(kp, kTile, qt, HeadPacks.tile(head, qb, lqp, dp), dp, p); // S^T
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
            BlockMath.accumulate(p, BLOCK, 1, gp, HeadPacks.tile(head, qb, lqp, dvp), dvp, dvAcc, 0, dvp); // dV += P^T dO
            BlockMath.scores(vp, vTile, gt, HeadPacks.tile(head, qb, lqp, dvp), dvp, ds); // dP^T
            for (int jr = 0; jr < BLOCK; jr++)
                BlockMath.softmaxGradRowShifted(p, ds, jr * BLOCK, dRow, head * lqp + i0);
            BlockMath.accumulate(ds, BLOCK, 1, qp, HeadPacks.tile(head, qb, lqp, dp), dp, dk, 0, dp); // dK += dS^T Q
            if (dq != null) BlockMath.accumulate(ds, 1, BLOCK, kp, kTile, dp, dq, i0 * dp, dp); // dQ += dS K
        }
    }

    private static void writeKeyGrads(View gradK, View gradV, int head, int hn, int j0, int keys, int d, int dv, int dp, int dvp,
                                      float scale, float[] dk, float[] dvAcc) {
        int b = head / hn, h = head % hn;
        float[] dK = HeadPacks.floats(gradK), dV = HeadPacks.floats(gradV);
        int[] ks = gradK.strides(), vs = gradV.strides();
        for (int jr = 0; jr < keys; jr++) {
            int kBase = gradK.offset() + b * ks[0] + h * ks[1] + (j0 + jr) * ks[2];
            if (ks[3] == 1) for (int t = 0; t < d; t++) dK[kBase + t] = dk[jr * dp + t] * scale;
            else for (int t = 0; t < d; t++) dK[kBase + t * ks[3]] = dk[jr * dp + t] * scale;
            int vBase = gradV.offset() + b * vs[0] + h * vs[1] + (j0 + jr) * vs[2];
            if (vs[3] == 1) System.arraycopy(dvAcc, jr * dvp, dV, vBase, dv);
            else for (int t = 0; t < dv; t++) dV[vBase + t * vs[3]] = dvAcc[jr * dvp + t];
        }
    }

    /** Writes {@code rows} query rows from {@code i0} of dQ (scaled), read from dq starting at its row {@code i0 - dqFirst}. */
    private static void writeQueryGrads(View gradQ, int head, int hn, int i0, int rows, int d, int dp, float scale, float[] dq, int dqFirst) {
        int b = head / hn, h = head % hn;
        float[] dQ = HeadPacks.floats(gradQ);
        int[] qs = gradQ.strides();
        for (int r = 0; r < rows; r++) {
            int base = gradQ.offset() + b * qs[0] + h * qs[1] + (i0 + r) * qs[2], at = (i0 - dqFirst + r) * dp;
            if (qs[3] == 1) for (int t = 0; t < d; t++) dQ[base + t] = dq[at + t] * scale;
            else for (int t = 0; t < d; t++) dQ[base + t * qs[3]] = dq[at + t] * scale;
        }
    }
}
