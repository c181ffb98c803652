package dev.vq4j.kernels.cpu.attention;

import dev.vq4j.kernels.cpu.VectorExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two products every attention pass is made of, on BLOCK x BLOCK tiles, register-blocked
 * 4 rows x 4 vectors so each loaded vector feeds several FMAs and nothing is reduced across lanes.
 */
final class BlockMath {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Queries and keys per tile: the BLOCK x BLOCK score tile (16 KiB) and the panels it reads stay in L1/L2. */
    static final int BLOCK = 64;

    static {
        if (BLOCK % (4 * LANES) != 0) throw new IllegalStateException("attention BLOCK " + BLOCK + " is not a multiple of 4 x " + LANES + " lanes");
    }

    private BlockMath() {}

    /**
     * {@code S[r*BLOCK + c] = sum_{t<depth} A(r, t) * BT(t, c)} for r, c < BLOCK: a tile of {@code A B^T}.
     * A is a row tile of {@link HeadPacks#rows} (width {@code depth}), BT a column tile of
     * {@link HeadPacks#columns}. Depth goes in chunks of BLOCK so the A and BT pieces in use (2 x 16 KiB)
     * stay in L1 while all row groups pass over them; per chunk, 4 rows x 4 vectors (16 accumulators) are
     * kept in registers: 8 loads feed 16 FMAs. Each S element is one FMA chain over t in order.
     */
    static void scores(float[] a, int aBase, float[] bt, int bBase, int depth, float[] s) {
        for (int t0 = 0; t0 < depth; t0 += BLOCK) {
            int ct = Math.min(BLOCK, depth - t0), ab = aBase + BLOCK * t0, bb = bBase + t0 * BLOCK;
            boolean first = t0 == 0;
            for (int r = 0; r < BLOCK; r += 4) {
                int a0 = ab + r * ct, a1 = a0 + ct, a2 = a1 + ct, a3 = a2 + ct;
                for (int c = 0; c < BLOCK; c += 4 * LANES) {
                    int o0 = r * BLOCK + c, o1 = o0 + BLOCK, o2 = o1 + BLOCK, o3 = o2 + BLOCK;
                    FloatVector s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33;
                    if (first) {
                        s00 = FloatVector.zero(SPECIES);
                        s01 = s00; s02 = s00; s03 = s00; s10 = s00; s11 = s00; s12 = s00; s13 = s00;
                        s20 = s00; s21 = s00; s22 = s00; s23 = s00; s30 = s00; s31 = s00; s32 = s00; s33 = s00;
                    } else {
                        s00 = load(s, o0); s01 = load(s, o0 + LANES); s02 = load(s, o0 + 2 * LANES); s03 = load(s, o0 + 3 * LANES);
                        s10 = load(s, o1); s11 = load(s, o1 + LANES); s12 = load(s, o1 + 2 * LANES); s13 = load(s, o1 + 3 * LANES);
                        s20 = load(s, o2); s21 = load(s, o2 + LANES); s22 = load(s, o2 + 2 * LANES); s23 = load(s, o2 + 3 * LANES);
                        s30 = load(s, o3); s31 = load(s, o3 + LANES); s32 = load(s, o3 + 2 * LANES); s33 = load(s, o3 + 3 * LANES);
                    }
                    int b = bb + c;
                    for (int t = 0; t < ct; t++, b += BLOCK) {
                        FloatVector v0 = load(bt, b), v1 = load(bt, b + LANES), v2 = load(bt, b + 2 * LANES), v3 = load(bt, b + 3 * LANES);
                        FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + t]);
                        s00 = v0.fma(x, s00); s01 = v1.fma(x, s01); s02 = v2.fma(x, s02); s03 = v3.fma(x, s03);
                        x = FloatVector.broadcast(SPECIES, a[a1 + t]);
                        s10 = v0.fma(x, s10); s11 = v1.fma(x, s11); s12 = v2.fma(x, s12); s13 = v3.fma(x, s13);
                        x = FloatVector.broadcast(SPECIES, a[a2 + t]);
                        s20 = v0.fma(x, s20); s21 = v1.fma(x, s21); s22 = v2.fma(x, s22); s23 = v3.fma(x, s23);
                        x = FloatVector.broadcast(SPECIES, a[a3 + t]);
                        s30 = v0.fma(x, s30); s31 = v1.fma(x, s31); s32 = v2.fma(x, s32); s33 = v3.fma(x, s33);
                    }
                    s00.intoArray(s, o0); s01.intoArray(s, o0 + LANES); s02.intoArray(s, o0 + 2 * LANES); s03.intoArray(s, o0 + 3 * LANES);
                    s10.intoArray(s, o1); s11.intoArray(s, o1 + LANES); s12.intoArray(s, o1 + 2 * LANES); s13.intoArray(s, o1 + 3 * LANES);
                    s20.intoArray(s, o2); s21.intoArray(s, o2 + LANES); s22.intoArray(s, o2 + 2 * LANES); s23.intoArray(s, o2 + 3 * LANES);
                    s30.intoArray(s, o3); s31.intoArray(s, o3 + LANES); s32.intoArray(s, o3 + 2 * LANES); s33.intoArray(s, o3 + 3 * LANES);
                }
            }
        }
    }

    /**
     * {@code C[cBase + r*cStride + w] += sum_{x<BLOCK} P[r*pRow + x*pCol] * M(x, w)} for r < BLOCK, w < width
     * (a multiple of LANES): a tile of {@code P M} accumulated into C, with P given row-major
     * ({@code pRow = BLOCK, pCol = 1}) or transposed ({@code pRow = 1, pCol = BLOCK}). M is a row tile of
     * {@link HeadPacks#rows}: per chunk of BLOCK columns (16 KiB, in L1 for all row groups) 4 rows x 4 vectors
     * are accumulated in registers. Each C element is one FMA chain over x in order.
     */
    static void accumulate(float[] p, int pRow, int pCol, float[] m, int mBase, int width, float[] c, int cBase, int cStride) {
        for (int w0 = 0; w0 < width; w0 += BLOCK) {
            int cw = Math.min(BLOCK, width - w0), mb = mBase + BLOCK * w0;
            for (int r = 0; r < BLOCK; r += 4) {
                int p0 = r * pRow, p1 = p0 + pRow, p2 = p1 + pRow, p3 = p2 + pRow;
                int c0 = cBase + r * cStride + w0, c1 = c0 + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
                int w = 0;
                for (; w + 4 * LANES <= cw; w += 4 * LANES) {
                    int q0 = c0 + w, q1 = c1 + w, q2 = c2 + w, q3 = c3 + w;
                    FloatVector y00 = load(c, q0), y01 = load(c, q0 + LANES), y02 = load(c, q0 + 2 * LANES), y03 = load(c, q0 + 3 * LANES);
                    FloatVector y10 = load(c, q1), y11 = load(c, q1 + LANES), y12 = load(c, q1 + 2 * LANES), y13 = load(c, q1 + 3 * LANES);
                    FloatVector y20 = load(c, q2), y21 = load(c, q2 + LANES), y22 = load(c, q2 + 2 * LANES), y23 = load(c, q2 + 3 * LANES);
                    FloatVector y30 = load(c, q3), y31 = load(c, q3 + LANES), y32 = load(c, q3 + 2 * LANES), y33 = load(c, q3 + 3 * LANES);
                    int mi = mb + w, px = 0;
                    for (int x = 0; x < BLOCK; x++, mi += cw, px += pCol) {
                        FloatVector v0 = load(m, mi), v1 = load(m, mi + LANES), v2 = load(m, mi + 2 * LANES), v3 = load(m, mi + 3 * LANES);
                        FloatVector e = FloatVector.broadcast(SPECIES, p[p0 + px]);
                        y00 = v0.fma(e, y00); y01 = v1.fma(e, y01); y02 = v2.fma(e, y02); y03 = v3.fma(e, y03);
                        e = FloatVector.broadcast(SPECIES, p[p1 + px]);
                        y10 = v0.fma(e, y10); y11 = v1.fma(e, y11); y12 = v2.fma(e, y12); y13 = v3.fma(e, y13);
                        e = FloatVector.broadcast(SPECIES, p[p2 + px]);
                        y20 = v0.fma(e, y20); y21 = v1.fma(e, y21); y22 = v2.fma(e, y22); y23 = v3.fma(e, y23);
                        e = FloatVector.broadcast(SPECIES, p[p3 + px]);
                        y30 = v0.fma(e, y30); y31 = v1.fma(e, y31); y32 = v2.fma(e, y32); y33 = v3.fma(e, y33);
                    }
                    y00.intoArray(c, q0); y01.intoArray(c, q0 + LANES); y02.intoArray(c, q0 + 2 * LANES); y03.intoArray(c, q0 + 3 * LANES);
                    y10.intoArray(c, q1); y11.intoArray(c, q1 + LANES); y12.intoArray(c, q1 + 2 * LANES); y13.intoArray(c, q1 + 3 * LANES);
                    y20.intoArray(c, q2); y21.intoArray(c, q2 + LANES); y22.intoArray(c, q2 + 2 * LANES); y23.intoArray(c, q2 + 3 * LANES);
                    y30.intoArray(c, q3); y31.intoArray(c, q3 + LANES); y32.intoArray(c, q3 + 2 * LANES); y33.intoArray(c, q3 + 3 * LANES);
                }
                for (; w < cw; w += LANES) {
                    FloatVector y0 = load(c, c0 + w), y1 = load(c, c1 + w), y2 = load(c, c2 + w), y3 = load(c, c3 + w);
                    int mi = mb + w, px = 0;
                    for (int x = 0; x < BLOCK; x++, mi += cw, px += pCol) {
                        FloatVector v = load(m, mi);
                        y0 = v.fma(FloatVector.broadcast(SPECIES, p[p0 + px]), y0);
                        y1 = v.fma(FloatVector.broadcast(SPECIES, p[p1 + px]), y1);
                        y2 = v.fma(FloatVector.broadcast(SPECIES, p[p2 + px]), y2);
                        y3 = v.fma(FloatVector.broadcast(SPECIES, p[p3 + px]), y3);
                    }
                    y0.intoArray(c, c0 + w);
                    y1.intoArray(c, c1 + w);
                    y2.intoArray(c, c2 + w);
                    y3.intoArray(c, c3 + w);
                }
            }
        }
    }

    private static FloatVector load(float[] a, int at) {
        return FloatVector.fromArray(SPECIES, a, at);
    }

    /** {@code row[at + x] = exp(row[at + x] * scale - shift)} for x < BLOCK. */
    static void expRow(float[] row, int at, float scale, float shift) {
        for (int x = 0; x < BLOCK; x += LANES)
            VectorExp.exp(FloatVector.fromArray(SPECIES, row, at + x).mul(scale).sub(shift)).intoArray(row, at + x);
    }

    /**
     * One online-softmax step on a transposed score tile {@code st} (keys x queries, masked entries -inf),
     * for each query column c: {@code m' = max(m, scale * max_j st[j][c])}, {@code alpha = exp(m - m')},
     * {@code st[j][c] = exp(st[j][c] * scale - m')}, {@code sum = sum * alpha + sum_j st[j][c]} (j in order).
     * A column with no finite score yet keeps {@code m' = -inf} and gets P = 0, alpha = 0.
     * Scaling after the max is exact: rounding {@code x * scale} is monotone for scale &gt; 0.
     */
    static void softmaxColumns(float[] st, float scale, float[] max, float[] sum, float[] alpha, float[] shift) {
        for (int c = 0; c < BLOCK; c += LANES) columnMax(st, c, scale, max, alpha);
        // alpha and the shift per column in scalar code (bit-identical to the vector exp): a second vector
        // exp in this method overruns C2's inlining budget and drops the Vector API to its slow fallback
        for (int c = 0; c < BLOCK; c++) {
            float m = max[c], sh = m == Float.NEGATIVE_INFINITY ? 0f : m;
            shift[c] = sh;
            alpha[c] = VectorExp.exp(alpha[c] - sh);
        }
        for (int c = 0; c < BLOCK; c += LANES) {
            FloatVector sh = FloatVector.fromArray(SPECIES, shift, c);
            FloatVector s = FloatVector.fromArray(SPECIES, sum, c).mul(FloatVector.fromArray(SPECIES, alpha, c));
            for (int j = 0; j < BLOCK; j++) {
                FloatVector e = VectorExp.exp(FloatVector.fromArray(SPECIES, st, j * BLOCK + c).mul(scale).sub(sh));
                e.intoArray(st, j * BLOCK + c);
                s = s.add(e);
            }
            s.intoArray(sum, c);
        }
    }

    /** {@code old[c..) = max[c..)}, {@code max[c..) = max(max, scale * max_j st[j][c..))} for LANES columns. */
    private static void columnMax(float[] st, int c, float scale, float[] max, float[] old) {
        FloatVector m0 = FloatVector.fromArray(SPECIES, st, c), m1 = FloatVector.fromArray(SPECIES, st, BLOCK + c);
        for (int j = 2; j < BLOCK; j += 2) { // two chains: max is exact in any order
            m0 = m0.max(FloatVector.fromArray(SPECIES, st, j * BLOCK + c));
            m1 = m1.max(FloatVector.fromArray(SPECIES, st, (j + 1) * BLOCK + c));
        }
        FloatVector mOld = FloatVector.fromArray(SPECIES, max, c);
        mOld.intoArray(old, c);
        mOld.max(m0.max(m1).mul(scale)).intoArray(max, c);
    }

    /** {@code a[at + t] *= f} for t < width (a multiple of LANES). */
    static void scale(float[] a, int at, int width, float f) {
        for (int t = 0; t < width; t += LANES) FloatVector.fromArray(SPECIES, a, at + t).mul(f).intoArray(a, at + t);
    }

    /** {@code row[at + x] = exp(row[at + x] * scale - shift[sAt + x])} for x < BLOCK (a per-column shift). */
    static void expRowShifted(float[] row, int at, float scale, float[] shift, int sAt) {
        for (int x = 0; x < BLOCK; x += LANES) {
            FloatVector e = FloatVector.fromArray(SPECIES, row, at + x).mul(scale).sub(FloatVector.fromArray(SPECIES, shift, sAt + x));
            VectorExp.exp(e).intoArray(row, at + x);
        }
    }

    /** {@code dp[at + x] = p[at + x] * (dp[at + x] - d)} for x < BLOCK: dS from P and dP with one D for the row. */
    static void softmaxGradRow(float[] p, float[] dp, int at, float d) {
        for (int x = 0; x < BLOCK; x += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, at + x);
            pv.mul(FloatVector.fromArray(SPECIES, dp, at + x).sub(d)).intoArray(dp, at + x);
        }
    }

    /** {@code dp[at + x] = p[at + x] * (dp[at + x] - d[dAt + x])} for x < BLOCK: a per-column D. */
    static void softmaxGradRowShifted(float[] p, float[] dp, int at, float[] d, int dAt) {
        for (int x = 0; x < BLOCK; x += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, at + x);
            pv.mul(FloatVector.fromArray(SPECIES, dp, at + x).sub(FloatVector.fromArray(SPECIES, d, dAt + x))).intoArray(dp, at + x);
        }
    }

    /** Σ_t x[t]·y[yOff + t·yStride], t < n; lanes summed in a fixed order (scratch: lanes, LANES floats). */
    static float dot(float[] x, float[] y, int yOff, int yStride, int n, float[] lanes) {
        int t = 0;
        float r = 0;
        if (yStride == 1) {
            FloatVector s = FloatVector.zero(SPECIES);
            for (int nv = SPECIES.loopBound(n); t < nv; t += LANES)
                s = FloatVector.fromArray(SPECIES, x, t).fma(FloatVector.fromArray(SPECIES, y, yOff + t), s);
            s.intoArray(lanes, 0);
            for (float f : lanes) r += f;
        }
        for (; t < n; t++) r += x[t] * y[yOff + t * yStride];
        return r;
    }

    /** acc[t] += a·y[yOff + t·yStride], t < n. */
    static void axpy(float a, float[] y, int yOff, int yStride, float[] acc, int n) {
        int t = 0;
        if (yStride == 1) {
            FloatVector av = FloatVector.broadcast(SPECIES, a);
            for (int nv = SPECIES.loopBound(n); t < nv; t += LANES)
                FloatVector.fromArray(SPECIES, y, yOff + t).fma(av, FloatVector.fromArray(SPECIES, acc, t)).intoArray(acc, t);
        }
        for (; t < n; t++) acc[t] += a * y[yOff + t * yStride];
    }
}
