/* 2-D convolution (NCHW input, OIHW weight, no bias) and its two gradients as implicit GEMMs on
 * gemm.cl's tile core (gemm.cl comes first in the program): the operand tiles are gathered from the
 * tensors on the fly, through their strides, with no im2col buffer. Per group g = GRP(2), with
 * Og = O/groups, Cg = C/groups and the input row of output row oh through tap i being
 * ih = oh*sh - ph + i*dh (columns alike):
 *
 *   forward    C[o ][(n,oh,ow)] = sum over (cl,i,j)  w[o][cl,i,j]  * x[n][cl][ih,iw]    M=Og  N=N*Ho*Wo   K=Cg*kh*kw
 *   inputGrad  C[cl][(n,h,v)  ] = sum over (ol,i,j)  w[ol][cl,i,j] * gy[n][ol][oh,ow]   M=Cg  N=N*H*W     K=Og*kh*kw
 *   weightGrad C[o ][(cl,i,j) ] = sum over (n,oh,ow) gy[n][o][oh,ow] * x[n][cl][ih,iw]   M=Og  N=Cg*kh*kw  K=N*Ho*Wo
 *
 * where inputGrad's (oh, ow) is the output position whose tap (i, j) reads input (h, v), if any
 * (padding taps and stride gaps contribute zero). Launch as gemm_f32: local (16, 16, 1), global
 * (tilesM * tilesN * 16, 16, groups * splits), GRP(2) = g*splits + s. Split s sums K range
 * [s*kChunk, (s+1)*kChunk) and, with splits > 1, writes a partial result (forward, inputGrad: to
 * a contiguous scratch tensor at s * ySplit/xSplit) that gemm_splitk_sum adds up. A work item keeps
 * the (c, i, j) position of each K index it loads and steps it by 16 each K step without dividing. */

/* A position (c, i, j) of a row-major index over [*, kh, kw]. */
typedef struct { int c, i, j; } ConvPos;

INLINE ConvPos conv_pos(int r, int kh, int kw) {
    ConvPos p;
    int khw = kh * kw;
    p.c = r / khw;
    r -= p.c * khw;
    p.i = r / kw;
    p.j = r - p.i * kw;
    return p;
}

/* p + d, both positions over [*, kh, kw] (d.i < kh, d.j < kw). */
INLINE ConvPos conv_pos_add(ConvPos p, ConvPos d, int kh, int kw) {
    p.j += d.j;
    if (p.j >= kw) { p.j -= kw; p.i++; }
    p.i += d.i;
    if (p.i >= kh) { p.i -= kh; p.c++; }
    p.c += d.c;
    return p;
}

/* The output index o < n with o*s == t, or -1. */
INLINE int conv_src(int t, int s, int n) {
    if (t < 0) return -1;
    int o = s == 1 ? t : t / s;
    return o * s == t && o < n ? o : -1;
}

/* out[n][o][oh][ow] = sum over cl, i, j of x[n][g*Cg+cl][ih][iw] * w[o][cl][i][j]. */
KERNEL void conv_fwd_f32(GLOBAL const float* x, Strided xs, GLOBAL const float* w, Strided ws, GLOBAL float* y, Strided ys,
                         int groups, int sh, int sw, int ph, int pw, int dh, int dw, int tilesN, int splits, int kChunk, int ySplit) {
    SHARED float As[GEMM_TK * GEMM_LDA];
    SHARED float Bs[GEMM_TK * GEMM_LDB];
    int tx = LID(0), ty = LID(1), t = ty * 16 + tx;
    int tile = GRP(0), m0 = tile / tilesN * GEMM_TM, n0 = tile % tilesN * GEMM_TN;
    int z = GRP(2), g = z / splits, s = z % splits;
    int H = xs.shape[2], W = xs.shape[3], Ho = ys.shape[2], Wo = ys.shape[3], HWo = Ho * Wo;
    int Og = ys.shape[1] / groups, Cg = ws.shape[1], kh = ws.shape[2], kw = ws.shape[3];
    int M = Og, N = ys.shape[0] * HWo, K = Cg * kh * kw;
    int kBegin = s * kChunk, kEnd = min(K, kBegin + kChunk);
    ConvPos step = conv_pos(GEMM_TK, kh, kw);

    /* A (weights): K index ka of rows t/16 + 16q. */
    int ka = t % GEMM_TK;
    ConvPos pa = conv_pos(kBegin + ka, kh, kw);
    int wBase = ws.offset + g * Og * ws.strides[0];

    /* B (input patches): column nb (one output pixel) at K indexes t/64 + 4q. */
    int nb = t % GEMM_TN, col = n0 + nb, colOk = col < N, cc = colOk ? col : 0;
    int img = cc / HWo, oh = cc % HWo / Wo, ow = cc % Wo;
    int ih0 = oh * sh - ph, iw0 = ow * sw - pw;
    int xBase = xs.offset + img * xs.strides[0] + g * Cg * xs.strides[1];
    ConvPos pb[4];
#pragma unroll
    for (int q = 0; q < 4; q++) pb[q] = conv_pos(kBegin + t / GEMM_TN + 4 * q, kh, kw);

    float acc[4][4];
    gemm_zero(acc);
    for (int k0 = kBegin; k0 < kEnd; k0 += GEMM_TK) {
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int m = t / GEMM_TK + 16 * q, mg = m0 + m;
            As[ka * GEMM_LDA + m] = mg < M && k0 + ka < kEnd
                    ? w[wBase + mg * ws.strides[0] + pa.c * ws.strides[1] + pa.i * ws.strides[2] + pa.j * ws.strides[3]] : 0.0f;
        }
        pa = conv_pos_add(pa, step, kh, kw);
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int k = t / GEMM_TN + 4 * q;
            int ih = ih0 + pb[q].i * dh, iw = iw0 + pb[q].j * dw;
            int ok = colOk && k0 + k < kEnd && ih >= 0 && ih < H && iw >= 0 && iw < W;
            Bs[k * GEMM_LDB + nb] = ok ? x[xBase + pb[q].c * xs.strides[1] + ih * xs.strides[2] + iw * xs.strides[3]] : 0.0f;
            pb[q] = conv_pos_add(pb[q], step, kh, kw);
        }
        BARRIER();
        gemm_tile_fma(As, Bs, tx, ty, acc);
        BARRIER();
    }

#pragma unroll
    for (int j = 0; j < 4; j++) {
        int c = n0 + tx + 16 * j;
        if (c >= N) continue;
        int n = c / HWo, r = c % HWo / Wo, q = c % Wo;
        int base = ys.offset + s * ySplit + n * ys.strides[0] + r * ys.strides[2] + q * ys.strides[3];
#pragma unroll
        for (int i = 0; i < 4; i++) {
            int m = m0 + ty + 16 * i;
            if (m < M) y[base + (g * Og + m) * ys.strides[1]] = acc[i][j];
        }
    }
}

/* gx[n][g*Cg+cl][h][v] = sum over ol, i, j of gy[n][g*Og+ol][oh][ow] * w[g*Og+ol][cl][i][j], over the
 * (oh, ow) whose tap (i, j) reads (h, v); every element of gx is written (0 where no output reaches). */
KERNEL void conv_dgrad_f32(GLOBAL const float* gy, Strided gs, GLOBAL const float* w, Strided ws, GLOBAL float* gx, Strided xs,
                           int groups, int sh, int sw, int ph, int pw, int dh, int dw, int tilesN, int splits, int kChunk, int xSplit) {
    SHARED float As[GEMM_TK * GEMM_LDA];
    SHARED float Bs[GEMM_TK * GEMM_LDB];
    int tx = LID(0), ty = LID(1), t = ty * 16 + tx;
    int tile = GRP(0), m0 = tile / tilesN * GEMM_TM, n0 = tile % tilesN * GEMM_TN;
    int z = GRP(2), g = z / splits, s = z % splits;
    int H = xs.shape[2], W = xs.shape[3], HW = H * W, Ho = gs.shape[2], Wo = gs.shape[3];
    int Og = gs.shape[1] / groups, Cg = ws.shape[1], kh = ws.shape[2], kw = ws.shape[3];
    int M = Cg, N = xs.shape[0] * HW, K = Og * kh * kw;
    int kBegin = s * kChunk, kEnd = min(K, kBegin + kChunk);
    ConvPos step = conv_pos(GEMM_TK, kh, kw);

    /* A (weights, transposed: rows cl, K over (ol, i, j)): K index ka of rows t/16 + 16q. */
    int ka = t % GEMM_TK;
    ConvPos pa = conv_pos(kBegin + ka, kh, kw);
    int wBase = ws.offset + g * Og * ws.strides[0];

    /* B (output-gradient patches): column nb (one input pixel) at K indexes t/64 + 4q. */
    int nb = t % GEMM_TN, col = n0 + nb, colOk = col < N, cc = colOk ? col : 0;
    int img = cc / HW, hp = cc % HW / W + ph, vp = cc % W + pw;
    int gBase = gs.offset + img * gs.strides[0] + g * Og * gs.strides[1];
    ConvPos pb[4];
#pragma unroll
    for (int q = 0; q < 4; q++) pb[q] = conv_pos(kBegin + t / GEMM_TN + 4 * q, kh, kw);

    float acc[4][4];
    gemm_zero(acc);
    for (int k0 = kBegin; k0 < kEnd; k0 += GEMM_TK) {
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int m = t / GEMM_TK + 16 * q, mg = m0 + m;
            As[ka * GEMM_LDA + m] = mg < M && k0 + ka < kEnd
                    ? w[wBase + pa.c * ws.strides[0] + mg * ws.strides[1] + pa.i * ws.strides[2] + pa.j * ws.strides[3]] : 0.0f;
        }
        pa = conv_pos_add(pa, step, kh, kw);
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int k = t / GEMM_TN + 4 * q;
            int oh = conv_src(hp - pb[q].i * dh, sh, Ho), ow = conv_src(vp - pb[q].j * dw, sw, Wo);
            int ok = colOk && k0 + k < kEnd && oh >= 0 && ow >= 0;
            Bs[k * GEMM_LDB + nb] = ok ? gy[gBase + pb[q].c * gs.strides[1] + oh * gs.strides[2] + ow * gs.strides[3]] : 0.0f;
            pb[q] = conv_pos_add(pb[q], step, kh, kw);
        }
        BARRIER();
        gemm_tile_fma(As, Bs, tx, ty, acc);
        BARRIER();
    }

#pragma unroll
    for (int j = 0; j < 4; j++) {
        int c = n0 + tx + 16 * j;
        if (c >= N) continue;
        int n = c / HW, h = c % HW / W, v = c % W;
        int base = xs.offset + s * xSplit + n * xs.strides[0] + h * xs.strides[2] + v * xs.strides[3];
#pragma unroll
        for (int i = 0; i < 4; i++) {
            int m = m0 + ty + 16 * i;
            if (m < M) gx[base + (g * Cg + m) * xs.strides[1]] = acc[i][j];
        }
    }
}

/* Split s of the weight gradient: part[s][g*Og+o][(cl,i,j)] = sum over (n, oh, ow) in K range
 * [s*kChunk, (s+1)*kChunk) of gy[n][g*Og+o][oh][ow] * x[n][g*Cg+cl][ih][iw]. GRP(2) = g*splits + s;
 * part is [splits][O][Cg*kh*kw] from partOff (with one split: gradW itself when contiguous). */
KERNEL void conv_wgrad_f32(GLOBAL const float* x, Strided xs, GLOBAL const float* gy, Strided gs, GLOBAL float* part, int partOff,
                           int groups, int Cg, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                           int tilesN, int splits, int kChunk) {
    SHARED float As[GEMM_TK * GEMM_LDA];
    SHARED float Bs[GEMM_TK * GEMM_LDB];
    int tx = LID(0), ty = LID(1), t = ty * 16 + tx;
    int tile = GRP(0), m0 = tile / tilesN * GEMM_TM, n0 = tile % tilesN * GEMM_TN;
    int z = GRP(2), g = z / splits, s = z % splits;
    int H = xs.shape[2], W = xs.shape[3], Ho = gs.shape[2], Wo = gs.shape[3];
    int O = gs.shape[1], Og = O / groups;
    int M = Og, N = Cg * kh * kw, K = gs.shape[0] * Ho * Wo;
    int kBegin = s * kChunk, kEnd = min(K, kBegin + kChunk);

    /* Both operands: K index kr = (n, oh, ow), the same for A and B; A rows and B columns t/16 + 16q. */
    int kr = t % GEMM_TK;
    ConvPos step = conv_pos(GEMM_TK, Ho, Wo), pr = conv_pos(kBegin + kr, Ho, Wo);
    int gBase = gs.offset + g * Og * gs.strides[1];
    int cOff[4], di[4], dj[4], colOk[4];
#pragma unroll
    for (int q = 0; q < 4; q++) {
        int col = n0 + t / GEMM_TK + 16 * q;
        colOk[q] = col < N;
        ConvPos p = conv_pos(colOk[q] ? col : 0, kh, kw);
        cOff[q] = xs.offset + (g * Cg + p.c) * xs.strides[1];
        di[q] = p.i * dh - ph;
        dj[q] = p.j * dw - pw;
    }

    float acc[4][4];
    gemm_zero(acc);
    for (int k0 = kBegin; k0 < kEnd; k0 += GEMM_TK) {
        int kOk = k0 + kr < kEnd;
        int gRow = gBase + pr.c * gs.strides[0] + pr.i * gs.strides[2] + pr.j * gs.strides[3];
        int xRow = pr.c * xs.strides[0], ihr = pr.i * sh, iwr = pr.j * sw;
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int m = t / GEMM_TK + 16 * q, mg = m0 + m;
            As[kr * GEMM_LDA + m] = kOk && mg < M ? gy[gRow + mg * gs.strides[1]] : 0.0f;
            int ih = ihr + di[q], iw = iwr + dj[q];
            int ok = kOk && colOk[q] && ih >= 0 && ih < H && iw >= 0 && iw < W;
            Bs[kr * GEMM_LDB + m] = ok ? x[cOff[q] + xRow + ih * xs.strides[2] + iw * xs.strides[3]] : 0.0f;
        }
        pr = conv_pos_add(pr, step, Ho, Wo);
        BARRIER();
        gemm_tile_fma(As, Bs, tx, ty, acc);
        BARRIER();
    }
    gemm_store(part, partOff + s * O * N + g * Og * N, N, 1, m0, n0, M, N, tx, ty, acc);
}
