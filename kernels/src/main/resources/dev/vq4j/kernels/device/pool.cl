/* Pooling, upsampling and padding over strided float views, with their adjoints (ReferencePool,
 * ReferenceResample). Pooling and upsampling act on the last two dims; the leading dims are planes.
 * One work item per output element (forward) or per input element (adjoints, written as gathers:
 * each gradIn element sums the gradOut elements that read it, in a fixed order, so the results are
 * deterministic and need no atomics). */

INLINE int pool_imin(int a, int b) { return a < b ? a : b; }
INLINE int pool_imax(int a, int b) { return a > b ? a : b; }

/* Floor division for a positive divisor. */
INLINE int pool_floordiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* Element offset of a plane (a row-major index over every dim but the last two). */
INLINE int pool_plane_offset(const Strided s, int plane) {
    int off = s.offset;
    for (int d = s.rank - 3; d >= 0; d--) {
        off += (plane % s.shape[d]) * s.strides[d];
        plane /= s.shape[d];
    }
    return off;
}

/* The per-axis factor of an average pool's divisor (ReferencePool.divisors). */
INLINE int pool_divisor(int o, int in, int k, int s, int pad, int countIncludePad) {
    int start = o * s - pad;
    int end = pool_imin(start + k, in + pad);
    return countIncludePad ? end - start : pool_imin(end, in) - pool_imax(start, 0);
}

/* Window [o*s - p, o*s - p + k) clipped to the input; the max and the flat h*W + w of the first
 * maximum; a NaN always takes over (the last NaN wins), as ATen. */
KERNEL void pool_max2d(GLOBAL const float* x, const Strided sx, GLOBAL float* out, const Strided so,
                       GLOBAL i64* indices, const Strided si, int kH, int kW, int sH, int sW, int pH, int pW, int n) {
    int t = GID(0);
    if (t >= n) return;
    int r = so.rank, inH = sx.shape[r - 2], inW = sx.shape[r - 1], outH = so.shape[r - 2], outW = so.shape[r - 1];
    int ow = t % outW, oh = (t / outW) % outH, plane = t / outW / outH;
    int xb = pool_plane_offset(sx, plane), xsH = sx.strides[r - 2], xsW = sx.strides[r - 1];
    int h0 = oh * sH - pH, w0 = ow * sW - pW;
    int h1 = pool_imin(h0 + kH, inH), w1 = pool_imin(w0 + kW, inW);
    h0 = pool_imax(h0, 0);
    w0 = pool_imax(w0, 0);
    float best = -VQ_INF;
    int bestAt = h0 * inW + w0;
    for (int ih = h0; ih < h1; ih++) {
        for (int iw = w0; iw < w1; iw++) {
            float v = x[xb + ih * xsH + iw * xsW];
            if (v > best || v != v) {
                best = v;
                bestAt = ih * inW + iw;
            }
        }
    }
    out[pool_plane_offset(so, plane) + oh * so.strides[r - 2] + ow * so.strides[r - 1]] = best;
    indices[pool_plane_offset(si, plane) + oh * si.strides[r - 2] + ow * si.strides[r - 1]] = (i64) bestAt;
}

/* Mean over the window clipped to the input (double sum), divided by the divisor; 0 for an empty window. */
KERNEL void pool_avg2d(GLOBAL const float* x, const Strided sx, GLOBAL float* out, const Strided so,
                       int kH, int kW, int sH, int sW, int pH, int pW, int countIncludePad, int n) {
    int t = GID(0);
    if (t >= n) return;
    int r = so.rank, inH = sx.shape[r - 2], inW = sx.shape[r - 1], outH = so.shape[r - 2], outW = so.shape[r - 1];
    int ow = t % outW, oh = (t / outW) % outH, plane = t / outW / outH;
    int xb = pool_plane_offset(sx, plane), xsH = sx.strides[r - 2], xsW = sx.strides[r - 1];
    int h0 = pool_imax(oh * sH - pH, 0), h1 = pool_imin(oh * sH - pH + kH, inH);
    int w0 = pool_imax(ow * sW - pW, 0), w1 = pool_imin(ow * sW - pW + kW, inW);
    float value = 0.0f;
    if (h0 < h1 && w0 < w1) {
        double sum = 0;
        for (int ih = h0; ih < h1; ih++)
            for (int iw = w0; iw < w1; iw++) sum += x[xb + ih * xsH + iw * xsW];
        int div = pool_divisor(oh, inH, kH, sH, pH, countIncludePad) * pool_divisor(ow, inW, kW, sW, pW, countIncludePad);
        value = (float) (sum / (double) div);
    }
    out[pool_plane_offset(so, plane) + oh * so.strides[r - 2] + ow * so.strides[r - 1]] = value;
}

/* Overwrites gradIn: each input element sums gradOut / divisor over the outputs whose windows hold
 * it, o in [floor((i + p - k) / s) + 1, floor((i + p) / s)]. */
KERNEL void pool_avg2d_backward(GLOBAL const float* g, const Strided sg, GLOBAL float* gi, const Strided si,
                                int kH, int kW, int sH, int sW, int pH, int pW, int countIncludePad, int n) {
    int t = GID(0);
    if (t >= n) return;
    int r = si.rank, inH = si.shape[r - 2], inW = si.shape[r - 1], outH = sg.shape[r - 2], outW = sg.shape[r - 1];
    int iw = t % inW, ih = (t / inW) % inH, plane = t / inW / inH;
    int gb = pool_plane_offset(sg, plane), gsH = sg.strides[r - 2], gsW = sg.strides[r - 1];
    int oh0 = pool_imax(pool_floordiv(ih + pH - kH, sH) + 1, 0), oh1 = pool_imin(pool_floordiv(ih + pH, sH), outH - 1);
    int ow0 = pool_imax(pool_floordiv(iw + pW - kW, sW) + 1, 0), ow1 = pool_imin(pool_floordiv(iw + pW, sW), outW - 1);
    double sum = 0;
    for (int oh = oh0; oh <= oh1; oh++) {
        int dh = pool_divisor(oh, inH, kH, sH, pH, countIncludePad);
        for (int ow = ow0; ow <= ow1; ow++)
            sum += g[gb + oh * gsH + ow * gsW] / (double) (dh * pool_divisor(ow, inW, kW, sW, pW, countIncludePad));
    }
    gi[pool_plane_offset(si, plane) + ih * si.strides[r - 2] + iw * si.strides[r - 1]] = (float) sum;
}

/* ---- upsampling ------------------------------------------------------------------------------ */

/* Source taps of output o along one axis (ReferenceResample.taps): input i0 with weight l0 and i1
 * with weight l1. scale is the host's float: in / out (nearest, bilinear), (in - 1) / (out - 1) or 0
 * (bilinear with alignCorners). */
INLINE void pool_tap(int bilinear, int alignCorners, float scale, int in, int out, int o,
                     int* i0, int* i1, float* l0, float* l1) {
    if (in == out) {
        *i0 = o; *i1 = o; *l0 = 1.0f; *l1 = 0.0f;
        return;
    }
    if (!bilinear) {
        int src = pool_imin((int) floor((float) o * scale), in - 1);
        *i0 = src; *i1 = src; *l0 = 1.0f; *l1 = 0.0f;
        return;
    }
    float real = alignCorners ? scale * (float) o : (float) fmax((double) scale * ((double) o + 0.5) - 0.5, 0.0);
    int src = (int) real;
    *i0 = src;
    *i1 = src < in - 1 ? src + 1 : src;
    float w = fmin(fmax(real - (float) src, 0.0f), 1.0f);
    *l1 = w;
    *l0 = 1.0f - w;
}

/* The outputs along one axis that may read input i: the exact range widened by one on each side
 * against rounding (the caller checks each with pool_tap). */
INLINE void pool_tap_range(int bilinear, int alignCorners, int in, int out, int i, int* lo, int* hi) {
    int a, b;
    if (in == out) {
        a = i; b = i + 1;
    } else if (in == 1) {
        a = 0; b = out;
    } else if (!bilinear) {
        double r = (double) out / in;
        a = (int) floor(i * r) - 1;
        b = i == in - 1 ? out : (int) ceil((i + 1) * r) + 1;
    } else if (alignCorners) {
        double r = (double) (out - 1) / (in - 1);
        a = (int) floor((i - 1) * r) - 1;
        b = (int) ceil((i + 1) * r) + 1;
    } else {
        double r = (double) out / in;
        a = (int) floor((i - 0.5) * r - 0.5) - 1;
        b = (int) ceil((i + 1.5) * r - 0.5) + 1;
    }
    *lo = pool_imax(a, 0);
    *hi = pool_imin(b, out);
}

KERNEL void pool_upsample2d(GLOBAL const float* x, const Strided sx, GLOBAL float* out, const Strided so,
                            int bilinear, int alignCorners, float scaleH, float scaleW, int n) {
    int t = GID(0);
    if (t >= n) return;
    int r = so.rank, inH = sx.shape[r - 2], inW = sx.shape[r - 1], outH = so.shape[r - 2], outW = so.shape[r - 1];
    int ow = t % outW, oh = (t / outW) % outH, plane = t / outW / outH;
    int h0, h1, w0, w1;
    float lh0, lh1, lw0, lw1;
    pool_tap(bilinear, alignCorners, scaleH, inH, outH, oh, &h0, &h1, &lh0, &lh1);
    pool_tap(bilinear, alignCorners, scaleW, inW, outW, ow, &w0, &w1, &lw0, &lw1);
    int xb = pool_plane_offset(sx, plane), xsH = sx.strides[r - 2], xsW = sx.strides[r - 1];
    int r0 = xb + h0 * xsH, c0 = w0 * xsW;
    float v;
    if (!bilinear) {
        v = x[r0 + c0];
    } else {
        int r1 = xb + h1 * xsH, c1 = w1 * xsW;
        double top = (double) lw0 * x[r0 + c0] + (double) lw1 * x[r0 + c1];
        double bottom = (double) lw0 * x[r1 + c0] + (double) lw1 * x[r1 + c1];
        v = (float) (lh0 * top + lh1 * bottom);
    }
    out[pool_plane_offset(so, plane) + oh * so.strides[r - 2] + ow * so.strides[r - 1]] = v;
}

/* Adds into gradIn: each input element sums gradOut times its tap weights over the outputs that read it. */
KERNEL void pool_upsample2d_backward(GLOBAL const float* g, const Strided sg, GLOBAL float* gi, const Strided si,
                                     int bilinear, int alignCorners, float scaleH, float scaleW, int n) {
    int t = GID(0);
    if (t >= n) return;
    int r = si.rank, inH = si.shape[r - 2], inW = si.shape[r - 1], outH = sg.shape[r - 2], outW = sg.shape[r - 1];
    int iw = t % inW, ih = (t / inW) % inH, plane = t / inW / inH;
    int gb = pool_plane_offset(sg, plane), gsH = sg.strides[r - 2], gsW = sg.strides[r - 1];
    int ohLo, ohHi, owLo, owHi;
    pool_tap_range(bilinear, alignCorners, inH, outH, ih, &ohLo, &ohHi);
    pool_tap_range(bilinear, alignCorners, inW, outW, iw, &owLo, &owHi);
    double sum = 0;
    for (int oh = ohLo; oh < ohHi; oh++) {
        int a0, a1;
        float m0, m1;
        pool_tap(bilinear, alignCorners, scaleH, inH, outH, oh, &a0, &a1, &m0, &m1);
        if (a0 != ih && a1 != ih) continue;
        double wh = (a0 == ih ? (double) m0 : 0.0) + (a1 == ih ? (double) m1 : 0.0);
        for (int ow = owLo; ow < owHi; ow++) {
            int b0, b1;
            float q0, q1;
            pool_tap(bilinear, alignCorners, scaleW, inW, outW, ow, &b0, &b1, &q0, &q1);
            if (b0 != iw && b1 != iw) continue;
            double ww = (b0 == iw ? (double) q0 : 0.0) + (b1 == iw ? (double) q1 : 0.0);
            sum += wh * ww * g[gb + oh * gsH + ow * gsW];
        }
    }
    gi[pool_plane_offset(si, plane) + ih * si.strides[r - 2] + iw * si.strides[r - 1]] += (float) sum;
}

/* ---- padding --------------------------------------------------------------------------------- */

/* The "before" pad of every view dim (0 for dims not padded; negative crops). */
typedef struct {
    int before[8];
} PadBefore;

/* Output o of a dim reads input o - before: constant (mode 0) outside [0, n) reads the value;
 * reflect (1) mirrors once (i < 0 -> -i, i >= n -> 2(n-1) - i); replicate (2) clamps. */
KERNEL void pool_pad(GLOBAL const float* x, const Strided sx, GLOBAL float* out, const Strided so,
                     const PadBefore pb, int mode, float value, int n) {
    int t = GID(0);
    if (t >= n) return;
    int rem = t, xo = sx.offset, oo = so.offset, inside = 1;
    for (int d = so.rank - 1; d >= 0; d--) {
        int c = rem % so.shape[d];
        rem /= so.shape[d];
        oo += c * so.strides[d];
        int len = sx.shape[d], i = c - pb.before[d];
        if (mode == 0) {
            if (i < 0 || i >= len) inside = 0;
        } else if (mode == 1) {
            i = i < 0 ? -i : i >= len ? 2 * (len - 1) - i : i;
        } else {
            i = pool_imin(pool_imax(i, 0), len - 1);
        }
        xo += i * sx.strides[d];
    }
    out[oo] = inside ? x[xo] : value;
}

/* Constant-mode adjoint: gradIn element i adds gradOut[i + before] when that lies in gradOut. */
KERNEL void pool_pad_backward_constant(GLOBAL const float* g, const Strided sg, GLOBAL float* gi, const Strided si,
                                       const PadBefore pb, int n) {
    int t = GID(0);
    if (t >= n) return;
    int rem = t, io = si.offset, go = sg.offset;
    for (int d = si.rank - 1; d >= 0; d--) {
        int c = rem % si.shape[d];
        rem /= si.shape[d];
        io += c * si.strides[d];
        int o = c + pb.before[d];
        if (o < 0 || o >= sg.shape[d]) return;
        go += o * sg.strides[d];
    }
    gi[io] += g[go];
}

/* Reflect/replicate adjoint: each input element sums the gradOut elements that read it. Per dim those are
 * up to three ranges of outputs (constant: o = i + before; replicate: the clamped edges; reflect:
 * o = before + i, before - i and before + 2(n-1) - i), visited as an odometer over the dims. */
KERNEL void pool_pad_backward(GLOBAL const float* g, const Strided sg, GLOBAL float* gi, const Strided si,
                              const PadBefore pb, int mode, int n) {
    int t = GID(0);
    if (t >= n) return;
    int lo[8][3], hi[8][3], segs[8], seg[8], pos[8];
    int rem = t, io = si.offset;
    for (int d = si.rank - 1; d >= 0; d--) {
        int c = rem % si.shape[d];
        rem /= si.shape[d];
        io += c * si.strides[d];
        int len = si.shape[d], m = sg.shape[d], b = pb.before[d], k = 0;
        if (mode == 0) {
            lo[d][0] = c + b; hi[d][0] = c + b + 1; k = 1;
        } else if (mode == 2) {
            lo[d][0] = c == 0 ? 0 : c + b;
            hi[d][0] = c == len - 1 ? m : c + b + 1;
            k = 1;
        } else {
            lo[d][0] = c + b; hi[d][0] = c + b + 1; k = 1;
            if (c > 0) { lo[d][k] = b - c; hi[d][k] = b - c + 1; k++; }
            if (c < len - 1) { lo[d][k] = b + 2 * (len - 1) - c; hi[d][k] = lo[d][k] + 1; k++; }
        }
        int kept = 0;  /* clip each range to [0, m), drop the empty ones */
        for (int j = 0; j < k; j++) {
            int a = pool_imax(lo[d][j], 0), e = pool_imin(hi[d][j], m);
            if (a < e) { lo[d][kept] = a; hi[d][kept] = e; kept++; }
        }
        if (kept == 0) return;  /* no output reads this element: it keeps its value */
        segs[d] = kept;
        seg[d] = 0;
        pos[d] = lo[d][0];
    }
    double sum = 0;
    for (;;) {
        int go = sg.offset;
        for (int d = 0; d < sg.rank; d++) go += pos[d] * sg.strides[d];
        sum += g[go];
        int d = sg.rank - 1;
        for (; d >= 0; d--) {
            if (++pos[d] < hi[d][seg[d]]) break;
            if (++seg[d] < segs[d]) { pos[d] = lo[d][seg[d]]; break; }
            seg[d] = 0;
            pos[d] = lo[d][0];
        }
        if (d < 0) break;
    }
    gi[io] += (float) sum;
}
