/* Group norm (with optional fused silu) and softmax / log_softmax, forward and backward.
 *
 *   gn_forward_stats    one work-group of NORM_GROUP per part of a (sample, group): sum and sum of
 *                       squares in double (per work item, then a SHARED tree) into scratch.
 *   gn_forward          the same parts: adds a group's partial sums, writes the normalised output.
 *   gn_backward_stats   per part, the sums of dxhat and dxhat * xhat in double;
 *   gn_backward_x       then gradX.
 *   gn_backward_params  one work-group per channel: gradWeight and gradBias summed over samples and
 *                       space in double (no atomics: the same bits every run).
 *   softmax_*_row       one work item per row, for short rows.
 *   softmax_*_wg        one work-group per row: SHARED reductions for the max and the sums.
 *
 * Views come as Strided; rows of softmax run along the last dim (base offset of a row from
 * strided_at, then the last stride). Flags say whether optional weight / bias are present. */

#define NORM_GROUP 256

/* Sums arr[0..NORM_GROUP) into arr[0]; every work item must reach it (it holds barriers). */
#define NORM_TREE(arr, t, COMBINE) \
    BARRIER(); \
    for (int h_ = NORM_GROUP / 2; h_ > 0; h_ >>= 1) { \
        if ((t) < h_) { COMBINE(arr[t], arr[(t) + h_]); } \
        BARRIER(); \
    }
#define NORM_ADD(a, b) a += b
/* max that keeps NaN, as Math.max */
#define NORM_MAX(a, b) if ((b) > (a) || isnan(b)) a = b

INLINE int norm_at3(const Strided s, int a, int b, int c) {
    return s.offset + a * s.strides[0] + b * s.strides[1] + c * s.strides[2];
}

INLINE int norm_at2(const Strided s, int a, int b) {
    return s.offset + a * s.strides[0] + b * s.strides[1];
}

INLINE float norm_sigmoid(float x) {
    return x >= 0 ? 1.0f / (1.0f + exp(-x)) : exp(x) / (1.0f + exp(x));
}

/* Group norm work is split into parts of `chunk` elements of a (sample, group), so that a few large
 * groups still fill the device: work-group (item, p) handles elements [p*chunk, (p+1)*chunk) of item =
 * sample*groups + group. A first kernel writes each part's two sums (double) to part[item, p, 2]; the
 * second adds an item's parts (in the same order in every work-group) and applies them. */

/* Partial sum and sum of squares of x over each part. Launch {items*parts*256}, {256}. */
KERNEL void gn_forward_stats(GLOBAL const float* x, const Strided sx, int channels, int spatial, int groups,
                             int chunk, int parts, GLOBAL double* part) {
    SHARED double r1[NORM_GROUP];
    SHARED double r2[NORM_GROUP];
    int t = LID(0), item = GRP(0) / parts, p = GRP(0) % parts, nb = item / groups, g = item % groups;
    int cg = channels / groups, count = cg * spatial, c0 = g * cg, end = min(count, (p + 1) * chunk);
    double s1 = 0, s2 = 0;
    for (int e = p * chunk + t; e < end; e += NORM_GROUP) {
        double v = x[norm_at3(sx, nb, c0 + e / spatial, e % spatial)];
        s1 += v;
        s2 += v * v;
    }
    r1[t] = s1;
    r2[t] = s2;
    NORM_TREE(r1, t, NORM_ADD)
    NORM_TREE(r2, t, NORM_ADD)
    if (t == 0) {
        part[2 * ((i64) item * parts + p)] = r1[0];
        part[2 * ((i64) item * parts + p) + 1] = r2[0];
    }
}

/* x, out [N,C,S]; weight, bias [C] (hasW, hasB); mean, rstd [N,groups]; part from gn_forward_stats.
 * Launch {items*parts*256}, {256}. */
KERNEL void gn_forward(GLOBAL const float* x, const Strided sx, GLOBAL const float* w, const Strided sw, int hasW,
                       GLOBAL const float* b, const Strided sb, int hasB, int channels, int spatial, int groups, float eps, int swish,
                       int chunk, int parts, GLOBAL const double* part,
                       GLOBAL float* out, const Strided so, GLOBAL float* mean, const Strided sm, GLOBAL float* rstd, const Strided sr) {
    int t = LID(0), item = GRP(0) / parts, p = GRP(0) % parts, nb = item / groups, g = item % groups;
    int cg = channels / groups, count = cg * spatial, c0 = g * cg, end = min(count, (p + 1) * chunk);
    double s1 = 0, s2 = 0;
    for (int i = 0; i < parts; i++) {
        s1 += part[2 * ((i64) item * parts + i)];
        s2 += part[2 * ((i64) item * parts + i) + 1];
    }
    double mu = s1 / count, var = fmax(s2 / count - mu * mu, 0.0), r = 1.0 / sqrt(var + eps);
    float rf = (float) r;
    if (t == 0 && p == 0) {
        mean[norm_at2(sm, nb, g)] = (float) mu;
        rstd[norm_at2(sr, nb, g)] = rf;
    }
    for (int e = p * chunk + t; e < end; e += NORM_GROUP) {
        int ch = c0 + e / spatial, s = e % spatial;
        float wc = hasW ? w[sw.offset + ch * sw.strides[0]] : 1.0f, bc = hasB ? b[sb.offset + ch * sb.strides[0]] : 0.0f;
        float xh = (float) ((double) x[norm_at3(sx, nb, ch, s)] - mu) * rf;
        float z = xh * wc + bc;
        out[norm_at3(so, nb, ch, s)] = swish ? z * norm_sigmoid(z) : z;
    }
}

/* dz = g * (swish ? silu'(z) : 1) at one element; xh receives xhat. */
INLINE float gn_dz(float xv, double mu, float rf, float wc, float bc, float gv, int swish, float* xh) {
    float h = (float) ((double) xv - mu) * rf;
    *xh = h;
    if (!swish) return gv;
    float z = h * wc + bc, s = norm_sigmoid(z);
    return gv * s * (1.0f + z * (1.0f - s));
}

/* Partial sums of dxhat = dz * w and dxhat * xhat over each part (as gn_forward_stats). */
KERNEL void gn_backward_stats(GLOBAL const float* x, const Strided sx, GLOBAL const float* w, const Strided sw, int hasW,
                              GLOBAL const float* b, const Strided sb, int hasB, int channels, int spatial, int groups, int swish,
                              GLOBAL const float* mean, const Strided sm, GLOBAL const float* rstd, const Strided sr,
                              GLOBAL const float* gradOut, const Strided sg, int chunk, int parts, GLOBAL double* part) {
    SHARED double r1[NORM_GROUP];
    SHARED double r2[NORM_GROUP];
    int t = LID(0), item = GRP(0) / parts, p = GRP(0) % parts, nb = item / groups, g = item % groups;
    int cg = channels / groups, count = cg * spatial, c0 = g * cg, end = min(count, (p + 1) * chunk);
    double mu = mean[norm_at2(sm, nb, g)];
    float rf = rstd[norm_at2(sr, nb, g)];
    double s1 = 0, s2 = 0;
    for (int e = p * chunk + t; e < end; e += NORM_GROUP) {
        int ch = c0 + e / spatial, s = e % spatial;
        float wc = hasW ? w[sw.offset + ch * sw.strides[0]] : 1.0f, bc = hasB ? b[sb.offset + ch * sb.strides[0]] : 0.0f;
        float xh;
        float d = gn_dz(x[norm_at3(sx, nb, ch, s)], mu, rf, wc, bc, gradOut[norm_at3(sg, nb, ch, s)], swish, &xh);
        double dw = (double) d * wc;
        s1 += dw;
        s2 += dw * xh;
    }
    r1[t] = s1;
    r2[t] = s2;
    NORM_TREE(r1, t, NORM_ADD)
    NORM_TREE(r2, t, NORM_ADD)
    if (t == 0) {
        part[2 * ((i64) item * parts + p)] = r1[0];
        part[2 * ((i64) item * parts + p) + 1] = r2[0];
    }
}

/* gradX [N,C,S] of group norm from gn_backward_stats' parts. Launch {items*parts*256}, {256}. */
KERNEL void gn_backward_x(GLOBAL const float* x, const Strided sx, GLOBAL const float* w, const Strided sw, int hasW,
                          GLOBAL const float* b, const Strided sb, int hasB, int channels, int spatial, int groups, int swish,
                          GLOBAL const float* mean, const Strided sm, GLOBAL const float* rstd, const Strided sr,
                          GLOBAL const float* gradOut, const Strided sg, int chunk, int parts, GLOBAL const double* part,
                          GLOBAL float* gradX, const Strided sgx) {
    int t = LID(0), item = GRP(0) / parts, p = GRP(0) % parts, nb = item / groups, g = item % groups;
    int cg = channels / groups, count = cg * spatial, c0 = g * cg, end = min(count, (p + 1) * chunk);
    double mu = mean[norm_at2(sm, nb, g)];
    float rf = rstd[norm_at2(sr, nb, g)];
    double s1 = 0, s2 = 0;
    for (int i = 0; i < parts; i++) {
        s1 += part[2 * ((i64) item * parts + i)];
        s2 += part[2 * ((i64) item * parts + i) + 1];
    }
    /* the combination in double: where it cancels (a group of one element: exactly 0) it stays exact */
    double meanD = s1 / count, meanDX = s2 / count, r = rf;
    for (int e = p * chunk + t; e < end; e += NORM_GROUP) {
        int ch = c0 + e / spatial, s = e % spatial;
        float wc = hasW ? w[sw.offset + ch * sw.strides[0]] : 1.0f, bc = hasB ? b[sb.offset + ch * sb.strides[0]] : 0.0f;
        float xh;
        float d = gn_dz(x[norm_at3(sx, nb, ch, s)], mu, rf, wc, bc, gradOut[norm_at3(sg, nb, ch, s)], swish, &xh);
        gradX[norm_at3(sgx, nb, ch, s)] = (float) (r * ((double) d * wc - meanD - (double) xh * meanDX));
    }
}

/* gradWeight, gradBias [C] (hasGW, hasGB). Launch {C*256}, {256}. */
KERNEL void gn_backward_params(GLOBAL const float* x, const Strided sx, GLOBAL const float* w, const Strided sw, int hasW,
                               GLOBAL const float* b, const Strided sb, int hasB, int batch, int channels, int spatial, int groups, int swish,
                               GLOBAL const float* mean, const Strided sm, GLOBAL const float* rstd, const Strided sr,
                               GLOBAL const float* gradOut, const Strided sg,
                               GLOBAL float* gradW, const Strided sgw, int hasGW, GLOBAL float* gradB, const Strided sgb, int hasGB) {
    SHARED double r1[NORM_GROUP];
    SHARED double r2[NORM_GROUP];
    int t = LID(0), ch = GRP(0), g = ch / (channels / groups), count = batch * spatial;
    float wc = hasW ? w[sw.offset + ch * sw.strides[0]] : 1.0f, bc = hasB ? b[sb.offset + ch * sb.strides[0]] : 0.0f;
    double s1 = 0, s2 = 0;
    for (int e = t; e < count; e += NORM_GROUP) {
        int nb = e / spatial, s = e % spatial;
        float xh;
        float d = gn_dz(x[norm_at3(sx, nb, ch, s)], mean[norm_at2(sm, nb, g)], rstd[norm_at2(sr, nb, g)], wc, bc,
                        gradOut[norm_at3(sg, nb, ch, s)], swish, &xh);
        s1 += (double) d * xh;
        s2 += d;
    }
    r1[t] = s1;
    r2[t] = s2;
    NORM_TREE(r1, t, NORM_ADD)
    NORM_TREE(r2, t, NORM_ADD)
    if (t == 0) {
        if (hasGW) gradW[sgw.offset + ch * sgw.strides[0]] = (float) r1[0];
        if (hasGB) gradB[sgb.offset + ch * sgb.strides[0]] = (float) r2[0];
    }
}

/* ---- softmax ------------------------------------------------------------------------------------ */

/* One work item per row of length len. */
KERNEL void softmax_fwd_row(GLOBAL const float* x, const Strided sx, GLOBAL float* out, const Strided so, int len, int rows, int logMode) {
    int row = GID(0);
    if (row >= rows) return;
    int bx = strided_at(sx, row * len), tx = sx.strides[sx.rank - 1];
    int bo = strided_at(so, row * len), to = so.strides[so.rank - 1];
    float m = -VQ_INF;
    for (int j = 0; j < len; j++) { float v = x[bx + j * tx]; NORM_MAX(m, v); }
    if (m == -VQ_INF) m = 0;
    double sum = 0;
    for (int j = 0; j < len; j++) sum += exp(x[bx + j * tx] - m);
    double lse = log(sum);
    for (int j = 0; j < len; j++) {
        float v = x[bx + j * tx];
        out[bo + j * to] = logMode ? (float) ((double) v - m - lse) : (float) (exp(v - m) / sum);
    }
}

/* One work-group of NORM_GROUP per row. */
KERNEL void softmax_fwd_wg(GLOBAL const float* x, const Strided sx, GLOBAL float* out, const Strided so, int len, int logMode) {
    SHARED float rm[NORM_GROUP];
    SHARED double rs[NORM_GROUP];
    int t = LID(0), row = GRP(0);
    int bx = strided_at(sx, row * len), tx = sx.strides[sx.rank - 1];
    int bo = strided_at(so, row * len), to = so.strides[so.rank - 1];
    float m = -VQ_INF;
    for (int j = t; j < len; j += NORM_GROUP) { float v = x[bx + j * tx]; NORM_MAX(m, v); }
    rm[t] = m;
    NORM_TREE(rm, t, NORM_MAX)
    m = rm[0];
    if (m == -VQ_INF) m = 0;
    double sum = 0;
    for (int j = t; j < len; j += NORM_GROUP) sum += exp(x[bx + j * tx] - m);
    rs[t] = sum;
    NORM_TREE(rs, t, NORM_ADD)
    sum = rs[0];
    double lse = log(sum);
    for (int j = t; j < len; j += NORM_GROUP) {
        float v = x[bx + j * tx];
        out[bo + j * to] = logMode ? (float) ((double) v - m - lse) : (float) (exp(v - m) / sum);
    }
}

/* gradIn = y (g - sum g y), or for log_softmax g - exp(y) sum g. One work item per row. */
KERNEL void softmax_bwd_row(GLOBAL const float* y, const Strided sy, GLOBAL const float* g, const Strided sg,
                            GLOBAL float* gi, const Strided si, int len, int rows, int logMode) {
    int row = GID(0);
    if (row >= rows) return;
    int by = strided_at(sy, row * len), ty = sy.strides[sy.rank - 1];
    int bg = strided_at(sg, row * len), tg = sg.strides[sg.rank - 1];
    int bi = strided_at(si, row * len), ti = si.strides[si.rank - 1];
    double dot = 0;
    for (int j = 0; j < len; j++) {
        double gv = g[bg + j * tg];
        dot += logMode ? gv : gv * y[by + j * ty];
    }
    for (int j = 0; j < len; j++) {
        float yv = y[by + j * ty];
        double gv = g[bg + j * tg];
        gi[bi + j * ti] = logMode ? (float) (gv - exp(yv) * dot) : (float) (yv * (gv - dot));
    }
}

/* As softmax_bwd_row, one work-group of NORM_GROUP per row. */
KERNEL void softmax_bwd_wg(GLOBAL const float* y, const Strided sy, GLOBAL const float* g, const Strided sg,
                           GLOBAL float* gi, const Strided si, int len, int logMode) {
    SHARED double rs[NORM_GROUP];
    int t = LID(0), row = GRP(0);
    int by = strided_at(sy, row * len), ty = sy.strides[sy.rank - 1];
    int bg = strided_at(sg, row * len), tg = sg.strides[sg.rank - 1];
    int bi = strided_at(si, row * len), ti = si.strides[si.rank - 1];
    double dot = 0;
    for (int j = t; j < len; j += NORM_GROUP) {
        double gv = g[bg + j * tg];
        dot += logMode ? gv : gv * y[by + j * ty];
    }
    rs[t] = dot;
    NORM_TREE(rs, t, NORM_ADD)
    dot = rs[0];
    for (int j = t; j < len; j += NORM_GROUP) {
        float yv = y[by + j * ty];
        double gv = g[bg + j * tg];
        gi[bi + j * ti] = logMode ? (float) (gv - exp(yv) * dot) : (float) (yv * (gv - dot));
    }
}
