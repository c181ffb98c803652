/* Fused scaled dot-product attention (Backend.attention / attentionBackward; formulas in
 * ReferenceAttention). q [B,H,Lq,d], k [B,H,Lk,d], v [B,H,Lk,dv], out [B,H,Lq,dv], lse [B,H,Lq],
 * every view with its own strides (Strided, rank 4 or 3). No Lq x Lk matrix ever reaches global
 * memory: K/V (forward) or Q/dO (backward) tiles stream through shared memory.
 *
 * Each kernel comes in three instances by the largest head dim it holds, DMAX = 32, 64, 128
 * (d and dv <= DMAX); the host picks one and falls back beyond 128. Work-groups have 256 work items.
 *
 *   attn_fwd_d*: one work-group per (query block of BQ rows, b*h). The Q tile stays in shared
 *     memory; K tiles of 32 keys give S = scale q k^T (masked: -inf), the BQ row owners update the
 *     running max m and sum l (online softmax) and turn S into P; the V tile then adds P V into
 *     the output accumulator, which lives in registers (BQ/8 rows x DMAX/32 columns per item).
 *   attn_bwd_dot: D_i = dO_i . O_i (FlashAttention-2 backward, step 1).
 *   attn_bwd_kv_d*: one work-group per (key block, b*h): K, V tiles stay in shared memory, query
 *     tiles stream; P = exp(S - lse), dS = P (dO V^T - D); dV += P^T dO, dK += scale dS^T Q in registers.
 *   attn_bwd_q_d*: one work-group per (query block, b*h): the same P and dS over key tiles,
 *     dQ += scale dS K. A second pass instead of atomics, so the result is deterministic. */

#ifdef __OPENCL_VERSION__
#define ATT_LOCAL __local
#else
#define ATT_LOCAL
#endif
#define ATT_THREADS 256
#define ATT_MAXACC 16

INLINE int att_at4(const Strided s, int b, int h, int i, int t) {
    return s.offset + b * s.strides[0] + h * s.strides[1] + i * s.strides[2] + t * s.strides[3];
}

INLINE int att_at3(const Strided s, int b, int h, int i) {
    return s.offset + b * s.strides[0] + h * s.strides[1] + i * s.strides[2];
}

/* dst[r*stride + t] = src[b, h, r0 + r, t] for r < rows, t < n; zero rows past L. */
INLINE void att_load_tile(ATT_LOCAL float* dst, int stride, GLOBAL const float* src, const Strided s,
                          int b, int h, int r0, int rows, int L, int n) {
    int base = s.offset + b * s.strides[0] + h * s.strides[1];
    for (int e = LID(0); e < rows * n; e += ATT_THREADS) {
        int r = e / n, t = e - r * n, i = r0 + r;
        dst[r * stride + t] = i < L ? src[base + i * s.strides[2] + t * s.strides[3]] : 0.0f;
    }
}

/* ---- forward ---- */

INLINE void att_fwd(const int DMAX, const int BQ,
                    ATT_LOCAL float* qs, ATT_LOCAL float* kvs, ATT_LOCAL float* ss, ATT_LOCAL float* rowa,
                    ATT_LOCAL float* rowl, ATT_LOCAL float* rowm,
                    GLOBAL const float* q, const Strided sq, GLOBAL const float* k, const Strided sk,
                    GLOBAL const float* v, const Strided sv, GLOBAL float* out, const Strided so,
                    GLOBAL float* lse, const Strided sl, int H, int Lq, int Lk, int d, int dv, float scale, int causal) {
    const int BK = 32, KS = DMAX + 1, SS = BK + 1, NR = BQ / 8, NC = DMAX / 32;
    int tid = LID(0), lane = tid & 31, w = tid >> 5;
    int q0 = GRP(0) * BQ, bh = GRP(1), b = bh / H, h = bh - b * H;
    att_load_tile(qs, DMAX, q, sq, b, h, q0, BQ, Lq, d);
    float acc[ATT_MAXACC];
    for (int a = 0; a < NR * NC; a++) acc[a] = 0.0f;
    float m = -VQ_INF, l = 0.0f;   /* running max and sum of row tid (tid < BQ) */
    int kEnd = causal ? min(Lk, q0 + BQ) : Lk;
    for (int k0 = 0; k0 < kEnd; k0 += BK) {
        BARRIER();
        att_load_tile(kvs, KS, k, sk, b, h, k0, BK, Lk, d);
        BARRIER();
        {   /* S: item (lane = key, w) computes rows w, w+8, ... */
            float s[ATT_MAXACC];
            for (int i = 0; i < NR; i++) s[i] = 0.0f;
            for (int t = 0; t < d; t++) {
                float kv = kvs[lane * KS + t];
                for (int i = 0; i < NR; i++) s[i] += qs[(w + 8 * i) * DMAX + t] * kv;
            }
            int j = k0 + lane;
            for (int i = 0; i < NR; i++) {
                int r = w + 8 * i;
                int ok = j < Lk && (!causal || j <= q0 + r);
                ss[r * SS + lane] = ok ? s[i] * scale : -VQ_INF;
            }
        }
        BARRIER();
        if (tid < BQ) {   /* online softmax of row tid */
            float mt = -VQ_INF;
            for (int c = 0; c < BK; c++) mt = fmax(mt, ss[tid * SS + c]);
            float mn = fmax(m, mt), alpha = 1.0f, sum = 0.0f;
            if (mn == -VQ_INF) {
                for (int c = 0; c < BK; c++) ss[tid * SS + c] = 0.0f;
            } else {
                alpha = exp(m - mn);
                for (int c = 0; c < BK; c++) {
                    float p = exp(ss[tid * SS + c] - mn);
                    ss[tid * SS + c] = p;
                    sum += p;
                }
            }
            l = l * alpha + sum;
            m = mn;
            rowa[tid] = alpha;
        }
        att_load_tile(kvs, KS, v, sv, b, h, k0, BK, Lk, dv);
        BARRIER();
        for (int i = 0; i < NR; i++) {
            float al = rowa[w + 8 * i];
            for (int jj = 0; jj < NC; jj++) acc[i * NC + jj] *= al;
        }
        for (int c = 0; c < BK; c++) {
            float vv[4];
            for (int jj = 0; jj < NC; jj++) vv[jj] = kvs[c * KS + lane + 32 * jj];
            for (int i = 0; i < NR; i++) {
                float p = ss[(w + 8 * i) * SS + c];
                for (int jj = 0; jj < NC; jj++) acc[i * NC + jj] += p * vv[jj];
            }
        }
    }
    if (tid < BQ) {
        rowl[tid] = l;
        rowm[tid] = m;
    }
    BARRIER();
    for (int i = 0; i < NR; i++) {
        int r = w + 8 * i, row = q0 + r;
        if (row >= Lq) continue;
        float ll = rowl[r], inv = ll > 0.0f ? 1.0f / ll : 0.0f;
        for (int jj = 0; jj < NC; jj++) {
            int t = lane + 32 * jj;
            if (t < dv) out[att_at4(so, b, h, row, t)] = acc[i * NC + jj] * inv;
        }
    }
    if (tid < BQ && q0 + tid < Lq)
        lse[att_at3(sl, b, h, q0 + tid)] = rowl[tid] > 0.0f ? rowm[tid] + log(rowl[tid]) : -VQ_INF;
}

#define ATT_FWD_KERNEL(NAME, DMAX, BQ) \
KERNEL void NAME(GLOBAL const float* q, const Strided sq, GLOBAL const float* k, const Strided sk, \
                 GLOBAL const float* v, const Strided sv, GLOBAL float* out, const Strided so, \
                 GLOBAL float* lse, const Strided sl, int H, int Lq, int Lk, int d, int dv, float scale, int causal) { \
    SHARED float qs[(BQ) * (DMAX)]; \
    SHARED float kvs[32 * ((DMAX) + 1)]; \
    SHARED float ss[(BQ) * 33]; \
    SHARED float rowa[BQ]; \
    SHARED float rowl[BQ]; \
    SHARED float rowm[BQ]; \
    att_fwd(DMAX, BQ, qs, kvs, ss, rowa, rowl, rowm, q, sq, k, sk, v, sv, out, so, lse, sl, H, Lq, Lk, d, dv, scale, causal); \
}
ATT_FWD_KERNEL(attn_fwd_d32, 32, 128)
ATT_FWD_KERNEL(attn_fwd_d64, 64, 64)
ATT_FWD_KERNEL(attn_fwd_d128, 128, 32)

/* ---- backward ---- */

/* D[(b*H + h)*Lq + i] = dO_i . O_i; one work item per row. Summed in float in the same order as
 * dP = dO . v_j, so dP - D is exactly 0 where P is one-hot (e.g. Lk = 1). */
KERNEL void attn_bwd_dot(GLOBAL const float* o, const Strided so, GLOBAL const float* g, const Strided sg,
                         GLOBAL float* D, int H, int Lq, int dv, int n) {
    int idx = GID(0);
    if (idx >= n) return;
    int i = idx % Lq, bh = idx / Lq, b = bh / H, h = bh - b * H;
    int oo = att_at3(so, b, h, i), go = att_at3(sg, b, h, i);
    float s = 0.0f;
    for (int t = 0; t < dv; t++) s += o[oo + t * so.strides[3]] * g[go + t * sg.strides[3]];
    D[idx] = s;
}

/* P and dS of the (query rows q0.., keys k0..) tile of side BT: ps[r*BT + c], dss[r*BT + c]; zero where masked. */
INLINE void att_bwd_scores(const int DMAX, const int BT,
                           ATT_LOCAL const float* qs, ATT_LOCAL const float* gs, ATT_LOCAL const float* ks,
                           ATT_LOCAL const float* vs, ATT_LOCAL const float* ls, ATT_LOCAL const float* ds,
                           ATT_LOCAL float* ps, ATT_LOCAL float* dss,
                           int q0, int k0, int Lq, int Lk, int d, int dv, float scale, int causal) {
    const int KS = DMAX + 1, NE = BT * BT / ATT_THREADS, RSTEP = ATT_THREADS / BT;
    int tid = LID(0), c = tid % BT, rb = tid / BT;
    float s[4], dp[4];
    for (int e = 0; e < NE; e++) { s[e] = 0.0f; dp[e] = 0.0f; }
    for (int t = 0; t < d; t++) {
        float kv = ks[c * KS + t];
        for (int e = 0; e < NE; e++) s[e] += qs[(rb + RSTEP * e) * DMAX + t] * kv;
    }
    for (int t = 0; t < dv; t++) {
        float vv = vs[c * KS + t];
        for (int e = 0; e < NE; e++) dp[e] += gs[(rb + RSTEP * e) * DMAX + t] * vv;
    }
    int j = k0 + c;
    for (int e = 0; e < NE; e++) {
        int r = rb + RSTEP * e, i = q0 + r;
        int ok = i < Lq && j < Lk && (!causal || j <= i);
        float p = ok ? exp(s[e] * scale - ls[r]) : 0.0f;
        ps[r * BT + c] = p;
        dss[r * BT + c] = ok ? p * (dp[e] - ds[r]) : 0.0f;
    }
}

/* lse and D of query rows q0.. into ls, ds (zero past Lq). */
INLINE void att_load_rows(ATT_LOCAL float* ls, ATT_LOCAL float* ds, const int BT, GLOBAL const float* lse, const Strided sl,
                          GLOBAL const float* D, int b, int h, int bh, int q0, int Lq) {
    int tid = LID(0), i = q0 + tid;
    if (tid < BT) {
        ls[tid] = i < Lq ? lse[att_at3(sl, b, h, i)] : 0.0f;
        ds[tid] = i < Lq ? D[bh * Lq + i] : 0.0f;
    }
}

INLINE void att_bwd_kv(const int DMAX, const int BT,
                       ATT_LOCAL float* qs, ATT_LOCAL float* gs, ATT_LOCAL float* ks, ATT_LOCAL float* vs,
                       ATT_LOCAL float* ls, ATT_LOCAL float* ds, ATT_LOCAL float* ps, ATT_LOCAL float* dss,
                       GLOBAL const float* q, const Strided sq, GLOBAL const float* k, const Strided sk,
                       GLOBAL const float* v, const Strided sv, GLOBAL const float* lse, const Strided sl,
                       GLOBAL const float* g, const Strided sg, GLOBAL const float* D,
                       GLOBAL float* gk, const Strided sgk, GLOBAL float* gv, const Strided sgv,
                       int H, int Lq, int Lk, int d, int dv, float scale, int causal) {
    const int KS = DMAX + 1, NR = BT / 8, NC = DMAX / 32;
    int tid = LID(0), lane = tid & 31, w = tid >> 5;
    int k0 = GRP(0) * BT, bh = GRP(1), b = bh / H, h = bh - b * H;
    att_load_tile(ks, KS, k, sk, b, h, k0, BT, Lk, d);
    att_load_tile(vs, KS, v, sv, b, h, k0, BT, Lk, dv);
    float dk[ATT_MAXACC], dvv[ATT_MAXACC];
    for (int a = 0; a < NR * NC; a++) { dk[a] = 0.0f; dvv[a] = 0.0f; }
    /* causal: rows before k0 see none of these keys (BT is both tile sides, so k0 starts a query tile) */
    for (int q0 = causal ? k0 : 0; q0 < Lq; q0 += BT) {
        BARRIER();
        att_load_tile(qs, DMAX, q, sq, b, h, q0, BT, Lq, d);
        att_load_tile(gs, DMAX, g, sg, b, h, q0, BT, Lq, dv);
        att_load_rows(ls, ds, BT, lse, sl, D, b, h, bh, q0, Lq);
        BARRIER();
        att_bwd_scores(DMAX, BT, qs, gs, ks, vs, ls, ds, ps, dss, q0, k0, Lq, Lk, d, dv, scale, causal);
        BARRIER();
        for (int r = 0; r < BT; r++) {
            float gq[4], qq[4];
            for (int jj = 0; jj < NC; jj++) {
                gq[jj] = gs[r * DMAX + lane + 32 * jj];
                qq[jj] = qs[r * DMAX + lane + 32 * jj];
            }
            for (int i = 0; i < NR; i++) {
                int c = w + 8 * i;
                float p = ps[r * BT + c], dsv = dss[r * BT + c];
                for (int jj = 0; jj < NC; jj++) {
                    dvv[i * NC + jj] += p * gq[jj];
                    dk[i * NC + jj] += dsv * qq[jj];
                }
            }
        }
    }
    for (int i = 0; i < NR; i++) {
        int j = k0 + w + 8 * i;
        if (j >= Lk) continue;
        for (int jj = 0; jj < NC; jj++) {
            int t = lane + 32 * jj;
            if (t < d) gk[att_at4(sgk, b, h, j, t)] = dk[i * NC + jj] * scale;
            if (t < dv) gv[att_at4(sgv, b, h, j, t)] = dvv[i * NC + jj];
        }
    }
}

INLINE void att_bwd_q(const int DMAX, const int BT,
                      ATT_LOCAL float* qs, ATT_LOCAL float* gs, ATT_LOCAL float* ks, ATT_LOCAL float* vs,
                      ATT_LOCAL float* ls, ATT_LOCAL float* ds, ATT_LOCAL float* ps, ATT_LOCAL float* dss,
                      GLOBAL const float* q, const Strided sq, GLOBAL const float* k, const Strided sk,
                      GLOBAL const float* v, const Strided sv, GLOBAL const float* lse, const Strided sl,
                      GLOBAL const float* g, const Strided sg, GLOBAL const float* D,
                      GLOBAL float* gq, const Strided sgq,
                      int H, int Lq, int Lk, int d, int dv, float scale, int causal) {
    const int KS = DMAX + 1, NR = BT / 8, NC = DMAX / 32;
    int tid = LID(0), lane = tid & 31, w = tid >> 5;
    int q0 = GRP(0) * BT, bh = GRP(1), b = bh / H, h = bh - b * H;
    att_load_tile(qs, DMAX, q, sq, b, h, q0, BT, Lq, d);
    att_load_tile(gs, DMAX, g, sg, b, h, q0, BT, Lq, dv);
    att_load_rows(ls, ds, BT, lse, sl, D, b, h, bh, q0, Lq);
    float dq[ATT_MAXACC];
    for (int a = 0; a < NR * NC; a++) dq[a] = 0.0f;
    int kEnd = causal ? min(Lk, q0 + BT) : Lk;
    for (int k0 = 0; k0 < kEnd; k0 += BT) {
        BARRIER();
        att_load_tile(ks, KS, k, sk, b, h, k0, BT, Lk, d);
        att_load_tile(vs, KS, v, sv, b, h, k0, BT, Lk, dv);
        BARRIER();
        att_bwd_scores(DMAX, BT, qs, gs, ks, vs, ls, ds, ps, dss, q0, k0, Lq, Lk, d, dv, scale, causal);
        BARRIER();
        for (int c = 0; c < BT; c++) {
            float kk[4];
            for (int jj = 0; jj < NC; jj++) kk[jj] = ks[c * KS + lane + 32 * jj];
            for (int i = 0; i < NR; i++) {
                float dsv = dss[(w + 8 * i) * BT + c];
                for (int jj = 0; jj < NC; jj++) dq[i * NC + jj] += dsv * kk[jj];
            }
        }
    }
    for (int i = 0; i < NR; i++) {
        int row = q0 + w + 8 * i;
        if (row >= Lq) continue;
        for (int jj = 0; jj < NC; jj++) {
            int t = lane + 32 * jj;
            if (t < d) gq[att_at4(sgq, b, h, row, t)] = dq[i * NC + jj] * scale;
        }
    }
}

#define ATT_BWD_SHARED(DMAX, BT) \
    SHARED float qs[(BT) * (DMAX)]; \
    SHARED float gs[(BT) * (DMAX)]; \
    SHARED float ks[(BT) * ((DMAX) + 1)]; \
    SHARED float vs[(BT) * ((DMAX) + 1)]; \
    SHARED float ls[BT]; \
    SHARED float ds[BT]; \
    SHARED float ps[(BT) * (BT)]; \
    SHARED float dss[(BT) * (BT)];

#define ATT_BWD_KERNELS(SUFFIX, DMAX, BT) \
KERNEL void attn_bwd_kv_##SUFFIX(GLOBAL const float* q, const Strided sq, GLOBAL const float* k, const Strided sk, \
                                 GLOBAL const float* v, const Strided sv, GLOBAL const float* lse, const Strided sl, \
                                 GLOBAL const float* g, const Strided sg, GLOBAL const float* D, \
                                 GLOBAL float* gk, const Strided sgk, GLOBAL float* gv, const Strided sgv, \
                                 int H, int Lq, int Lk, int d, int dv, float scale, int causal) { \
    ATT_BWD_SHARED(DMAX, BT) \
    att_bwd_kv(DMAX, BT, qs, gs, ks, vs, ls, ds, ps, dss, q, sq, k, sk, v, sv, lse, sl, g, sg, D, gk, sgk, gv, sgv, \
               H, Lq, Lk, d, dv, scale, causal); \
} \
KERNEL void attn_bwd_q_##SUFFIX(GLOBAL const float* q, const Strided sq, GLOBAL const float* k, const Strided sk, \
                                GLOBAL const float* v, const Strided sv, GLOBAL const float* lse, const Strided sl, \
                                GLOBAL const float* g, const Strided sg, GLOBAL const float* D, \
                                GLOBAL float* gq, const Strided sgq, \
                                int H, int Lq, int Lk, int d, int dv, float scale, int causal) { \
    ATT_BWD_SHARED(DMAX, BT) \
    att_bwd_q(DMAX, BT, qs, gs, ks, vs, ls, ds, ps, dss, q, sq, k, sk, v, sv, lse, sl, g, sg, D, gq, sgq, \
              H, Lq, Lk, d, dv, scale, causal); \
}
ATT_BWD_KERNELS(d32, 32, 32)
ATT_BWD_KERNELS(d64, 64, 32)
ATT_BWD_KERNELS(d128, 128, 16)
