/* Batched SGEMM, C[b] = A[b] @ B[b], tiled through shared memory; conv.cl reuses its tile core.
 *
 * One work-group of 16x16 work items computes a 64x64 tile of C. Each K step, the group loads a
 * 64x16 tile of A and a 16x64 tile of B into shared memory (4 elements per work item and operand,
 * in the order that makes neighbouring work items read neighbouring addresses), then every work
 * item accumulates its 4x4 register block: rows ty + 16*i, columns tx + 16*j (so its stores and its
 * shared-memory reads of B are contiguous across tx). Accumulation is float.
 *
 * Launch: local (16, 16, 1); global (tilesM * tilesN * 16, 16, batches * splits). Group index 0
 * walks the N tiles of one M tile first (the A rows stay in cache). With splits > 1, split s
 * covers K range [s*kChunk, (s+1)*kChunk) and writes its partial product at c + s*c_ss;
 * gemm_splitk_sum adds the partials into the real output. */

#define GEMM_TM 64           /* rows of C per work-group */
#define GEMM_TN 64           /* columns of C per work-group */
#define GEMM_TK 16           /* K per shared-memory step */
#define GEMM_LDA (GEMM_TM + 1) /* row length of the shared A tile (As[k][m]); +1 against bank conflicts */
#define GEMM_LDB (GEMM_TN + 1) /* row length of the shared B tile (Bs[k][n]) */

/* A pointer to shared memory as a function parameter: OpenCL needs the address space, CUDA none. */
#ifdef __OPENCL_VERSION__
#define GEMM_LOCAL __local
#else
#define GEMM_LOCAL
#endif

/* acc[i][j] += sum_k As[k][ty + 16i] * Bs[k][tx + 16j] over one K step. */
INLINE void gemm_tile_fma(const GEMM_LOCAL float* As, const GEMM_LOCAL float* Bs, int tx, int ty, float acc[4][4]) {
#pragma unroll
    for (int k = 0; k < GEMM_TK; k++) {
        float av[4], bv[4];
#pragma unroll
        for (int i = 0; i < 4; i++) av[i] = As[k * GEMM_LDA + ty + 16 * i];
#pragma unroll
        for (int j = 0; j < 4; j++) bv[j] = Bs[k * GEMM_LDB + tx + 16 * j];
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++) acc[i][j] += av[i] * bv[j];
    }
}

INLINE void gemm_zero(float acc[4][4]) {
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;
}

/* As[k][m] = A[m0+m][k0+k] (0 outside M rows or past kEnd); A[m][k] = a[base + m*sm + k*sk]. */
INLINE void gemm_load_a(GEMM_LOCAL float* As, GLOBAL const float* a, int base, int sm, int sk,
                        int m0, int k0, int M, int kEnd, int t) {
    if (sk == 1) { /* rows contiguous along k: 16 work items read 16 neighbours */
        int k = t % GEMM_TK, kg = k0 + k;
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int m = t / GEMM_TK + 16 * q, mg = m0 + m;
            As[k * GEMM_LDA + m] = mg < M && kg < kEnd ? a[base + mg * sm + kg] : 0.0f;
        }
    } else { /* transposed (or broadcast) A: 64 work items along m */
        int m = t % GEMM_TM, mg = m0 + m;
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int k = t / GEMM_TM + 4 * q, kg = k0 + k;
            As[k * GEMM_LDA + m] = mg < M && kg < kEnd ? a[base + mg * sm + kg * sk] : 0.0f;
        }
    }
}

/* Bs[k][n] = B[k0+k][n0+n] (0 outside N columns or past kEnd); B[k][n] = b[base + k*sk + n*sn]. */
INLINE void gemm_load_b(GEMM_LOCAL float* Bs, GLOBAL const float* b, int base, int sk, int sn,
                        int n0, int k0, int N, int kEnd, int t) {
    if (sn == 1 || sk != 1) { /* rows contiguous along n: 64 work items read 64 neighbours */
        int n = t % GEMM_TN, ng = n0 + n;
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int k = t / GEMM_TN + 4 * q, kg = k0 + k;
            Bs[k * GEMM_LDB + n] = ng < N && kg < kEnd ? b[base + kg * sk + ng * sn] : 0.0f;
        }
    } else { /* transposed B, contiguous along k */
        int k = t % GEMM_TK, kg = k0 + k;
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int n = t / GEMM_TK + 16 * q, ng = n0 + n;
            Bs[k * GEMM_LDB + n] = ng < N && kg < kEnd ? b[base + kg + ng * sn] : 0.0f;
        }
    }
}

/* c[base + m*sm + n*sn] = acc for the work item's block, inside M x N. */
INLINE void gemm_store(GLOBAL float* c, int base, int sm, int sn, int m0, int n0, int M, int N,
                       int tx, int ty, float acc[4][4]) {
#pragma unroll
    for (int i = 0; i < 4; i++) {
        int m = m0 + ty + 16 * i;
        if (m >= M) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int n = n0 + tx + 16 * j;
            if (n < N) c[base + m * sm + n * sn] = acc[i][j];
        }
    }
}

/* C[b] = A[b] @ B[b] for batches batch0 + GRP(2) / splits, every operand through its strides. */
KERNEL void gemm_f32(GLOBAL const float* a, int a_off, int a_sb, int a_sm, int a_sk,
                     GLOBAL const float* b, int b_off, int b_sb, int b_sk, int b_sn,
                     GLOBAL float* c, int c_off, int c_sb, int c_sm, int c_sn, int c_ss,
                     int M, int N, int K, int tilesN, int splits, int kChunk, int batch0) {
    SHARED float As[GEMM_TK * GEMM_LDA];
    SHARED float Bs[GEMM_TK * GEMM_LDB];
    int tx = LID(0), ty = LID(1), t = ty * 16 + tx;
    int tile = GRP(0), m0 = tile / tilesN * GEMM_TM, n0 = tile % tilesN * GEMM_TN;
    int z = GRP(2), bi = batch0 + z / splits, s = z % splits;
    int kBegin = s * kChunk, kEnd = min(K, kBegin + kChunk);
    int aBase = a_off + bi * a_sb, bBase = b_off + bi * b_sb;
    float acc[4][4];
    gemm_zero(acc);
    for (int k0 = kBegin; k0 < kEnd; k0 += GEMM_TK) {
        gemm_load_a(As, a, aBase, a_sm, a_sk, m0, k0, M, kEnd, t);
        gemm_load_b(Bs, b, bBase, b_sk, b_sn, n0, k0, N, kEnd, t);
        BARRIER();
        gemm_tile_fma(As, Bs, tx, ty, acc);
        BARRIER();
    }
    gemm_store(c, c_off + bi * c_sb + s * c_ss, c_sm, c_sn, m0, n0, M, N, tx, ty, acc);
}

/* out[i] = sum over s of part[s*count + i], out through its strides (i its row-major index). */
KERNEL void gemm_splitk_sum(GLOBAL const float* part, int splits, int count, GLOBAL float* out, Strided os) {
    int i = GID(0);
    if (i >= count) return;
    float sum = 0.0f;
    for (int s = 0; s < splits; s++) sum += part[s * count + i];
    out[strided_at(os, i)] = sum;
}
