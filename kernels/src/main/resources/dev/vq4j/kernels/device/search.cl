/* Fused nearest-codebook search (Backend.nearestCodes), never materialising the N x K distances.
 *
 *   search_code_norms   one work item per code: ||c||^2 (L2) or 1 / max(||c||, 1e-12) (cosine), in double.
 *   search_topk_{1,8,32} the search proper. A work-group of 256 owns SEARCH_Q = 64 queries and one
 *                       split of the codes; it streams the split through SHARED memory in tiles of
 *                       SEARCH_C = 64 codes x SEARCH_D = 16 dims, like a GEMM: each work item computes
 *                       a 4 x 4 block of dot products in registers. The scores of a tile
 *                       (||c||^2 - 2 x.c, or -x.c / ||c|| for cosine: x's own norm does not change the
 *                       ranking) go to SHARED memory, and four work items per query fold them into
 *                       private sorted top-k lists (KMAX = 1: one register pair). At the end the four
 *                       lists of a query merge, and the work-group writes its split's top-k to scratch.
 *   search_finish       one work item per query: merges the splits' lists, computes the chosen codes'
 *                       distances as the reference does (in double from x and c), sorts them by
 *                       (distance, index) and writes the outputs through their strides.
 *
 * Order everywhere is (score, index) lexicographic, so ties go to the lowest index whatever the order
 * of merging. A list slot not filled yet holds (+inf, SEARCH_NONE), which every real code beats. */

#define SEARCH_Q 64
#define SEARCH_C 64
#define SEARCH_D 16
#define SEARCH_QP (SEARCH_Q + 1)
#define SEARCH_CP (SEARCH_C + 1)
#define SEARCH_NONE 0x7fffffff
#define SEARCH_KMAX 32

KERNEL void search_code_norms(GLOBAL const float* codes, int cOff, int k, int dim, int cosine, GLOBAL float* norms) {
    int c = GID(0);
    if (c >= k) return;
    GLOBAL const float* row = codes + cOff + (i64) c * dim;
    double s = 0;
    for (int j = 0; j < dim; j++) s += (double) row[j] * row[j];
    norms[c] = cosine ? (float) (1.0 / fmax(sqrt(s), 1e-12)) : (float) s;
}

INLINE int search_better(float s, int i, float t, int j) {
    return s < t || (s == t && i < j);
}

/* Inserts (s, i) into the sorted list bs/bi of length kk when it beats the last entry. */
INLINE void search_insert(float* bs, int* bi, int kk, float s, int i) {
    if (!search_better(s, i, bs[kk - 1], bi[kk - 1])) return;
    int p = kk - 1;
    while (p > 0 && search_better(s, i, bs[p - 1], bi[p - 1])) {
        bs[p] = bs[p - 1];
        bi[p] = bi[p - 1];
        p--;
    }
    bs[p] = s;
    bi[p] = i;
}

/* x [n,dim] and codes [k,dim] contiguous (from xOff, cOff); norms from search_code_norms. Launch
 * global {ceil(n/64)*256, splits}, local {256, 1}; split s covers code tiles [s*tilesPerSplit, ...).
 * pscore/pidx [splits, n, topK]. */
#define SEARCH_TOPK_KERNEL(NAME, KMAX) \
KERNEL void NAME(GLOBAL const float* x, int xOff, GLOBAL const float* codes, int cOff, GLOBAL const float* norms, \
                 int n, int k, int dim, int cosine, int topK, int tilesPerSplit, GLOBAL float* pscore, GLOBAL int* pidx) { \
    SHARED float xs[SEARCH_D * SEARCH_QP]; \
    SHARED float cs[SEARCH_D * SEARCH_CP]; \
    SHARED float sc[SEARCH_Q * SEARCH_CP]; \
    SHARED float ms[SEARCH_Q * KMAX]; \
    SHARED int mi[SEARCH_Q * KMAX]; \
    const int kk = KMAX == 1 ? 1 : topK; \
    int t = LID(0), tx = t % 16, ty = t / 16; \
    int q0 = GRP(0) * SEARCH_Q, split = GRP(1); \
    int selQ = t % SEARCH_Q, sub = t / SEARCH_Q; \
    int tileEnd = (split + 1) * tilesPerSplit, kEnd = min(k, tileEnd * SEARCH_C); \
    float bs[KMAX]; int bi[KMAX]; \
    for (int j = 0; j < KMAX; j++) { bs[j] = VQ_INF; bi[j] = SEARCH_NONE; } \
    for (int c0 = split * tilesPerSplit * SEARCH_C; c0 < kEnd; c0 += SEARCH_C) { \
        float acc[4][4]; \
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = 0; \
        for (int d0 = 0; d0 < dim; d0 += SEARCH_D) { \
            for (int r = 0; r < 4; r++) { \
                int e = t + 256 * r, row = e / SEARCH_D, d = e % SEARCH_D, gd = d0 + d; \
                int gq = q0 + row, gc = c0 + row; \
                xs[d * SEARCH_QP + row] = gq < n && gd < dim ? x[xOff + (i64) gq * dim + gd] : 0.0f; \
                cs[d * SEARCH_CP + row] = gc < kEnd && gd < dim ? codes[cOff + (i64) gc * dim + gd] : 0.0f; \
            } \
            BARRIER(); \
            for (int d = 0; d < SEARCH_D; d++) { \
                float a[4], b[4]; \
                for (int i = 0; i < 4; i++) a[i] = xs[d * SEARCH_QP + ty + 16 * i]; \
                for (int j = 0; j < 4; j++) b[j] = cs[d * SEARCH_CP + tx + 16 * j]; \
                for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] += a[i] * b[j]; \
            } \
            BARRIER(); \
        } \
        for (int j = 0; j < 4; j++) { \
            int gc = c0 + tx + 16 * j; \
            float nc = gc < kEnd ? norms[gc] : 0.0f; \
            for (int i = 0; i < 4; i++) \
                sc[(ty + 16 * i) * SEARCH_CP + tx + 16 * j] = cosine ? -acc[i][j] * nc : nc - 2.0f * acc[i][j]; \
        } \
        BARRIER(); \
        if (q0 + selQ < n) { \
            for (int j = 0; j < SEARCH_C / 4; j++) { \
                int c = sub + 4 * j; \
                if (c0 + c < kEnd) search_insert(bs, bi, kk, sc[selQ * SEARCH_CP + c], c0 + c); \
            } \
        } \
        /* the next tile writes sc only after the barriers of its dims loop, which every selector reaches */ \
    } \
    for (int r = 1; r < 4; r++) { \
        if (sub == r) for (int j = 0; j < kk; j++) { ms[selQ * KMAX + j] = bs[j]; mi[selQ * KMAX + j] = bi[j]; } \
        BARRIER(); \
        if (sub == 0) \
            for (int j = 0; j < kk; j++) { \
                int i = mi[selQ * KMAX + j]; \
                if (i != SEARCH_NONE) search_insert(bs, bi, kk, ms[selQ * KMAX + j], i); \
            } \
        BARRIER(); \
    } \
    if (sub == 0 && q0 + selQ < n) { \
        i64 base = ((i64) split * n + q0 + selQ) * topK; \
        for (int j = 0; j < kk; j++) { pscore[base + j] = bs[j]; pidx[base + j] = bi[j]; } \
    } \
}
SEARCH_TOPK_KERNEL(search_topk_1, 1)
SEARCH_TOPK_KERNEL(search_topk_8, 8)
SEARCH_TOPK_KERNEL(search_topk_32, 32)

/* One work item per query; topK <= SEARCH_KMAX. Output views [n, topK] as offset and two strides. */
KERNEL void search_finish(GLOBAL const float* x, int xOff, GLOBAL const float* codes, int cOff, int n, int dim, int cosine,
                          int topK, int splits, GLOBAL const float* pscore, GLOBAL const int* pidx,
                          GLOBAL i64* outIdx, int oiOff, int oiS0, int oiS1, GLOBAL float* outDist, int odOff, int odS0, int odS1) {
    int q = GID(0);
    if (q >= n) return;
    float bs[SEARCH_KMAX];
    int bi[SEARCH_KMAX];
    double dd[SEARCH_KMAX];
    for (int j = 0; j < topK; j++) { bs[j] = VQ_INF; bi[j] = SEARCH_NONE; }
    for (int s = 0; s < splits; s++) {
        i64 base = ((i64) s * n + q) * topK;
        for (int j = 0; j < topK; j++) {
            int i = pidx[base + j];
            if (i != SEARCH_NONE) search_insert(bs, bi, topK, pscore[base + j], i);
        }
    }
    GLOBAL const float* xr = x + xOff + (i64) q * dim;
    double xn = 0;
    if (cosine) {
        for (int d = 0; d < dim; d++) xn += (double) xr[d] * xr[d];
        xn = fmax(sqrt(xn), 1e-12);
    }
    for (int j = 0; j < topK; j++) {
        GLOBAL const float* cr = codes + cOff + (i64) bi[j] * dim;
        double acc = 0, cn = 0;
        for (int d = 0; d < dim; d++) {
            double xv = xr[d], cv = cr[d];
            if (cosine) { acc += xv * cv; cn += cv * cv; }
            else { double e = xv - cv; acc += e * e; }
        }
        double dist = cosine ? 1.0 - acc / (xn * fmax(sqrt(cn), 1e-12)) : acc;
        /* insertion sort by (exact distance, index) */
        int p = j, id = bi[j];
        while (p > 0 && (dist < dd[p - 1] || (dist == dd[p - 1] && id < bi[p - 1]))) {
            dd[p] = dd[p - 1];
            bi[p] = bi[p - 1];
            p--;
        }
        dd[p] = dist;
        bi[p] = id;
    }
    for (int j = 0; j < topK; j++) {
        outIdx[oiOff + (i64) q * oiS0 + (i64) j * oiS1] = bi[j];
        outDist[odOff + (i64) q * odS0 + (i64) j * odS1] = (float) dd[j];
    }
}
