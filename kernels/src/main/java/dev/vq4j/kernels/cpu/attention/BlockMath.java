package dev.vq4j.kernels.cpu.attention;

import dev.vq4j.kernels.cpu.LaneSum;
import dev.vq4j.kernels.cpu.VectorExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two products every attention pass is made of, on BLOCK x BLOCK tiles, register-blocked
 * 4 rows x 2 vectors so each loaded vector feeds several FMAs and nothing is reduced across lanes.
 */
final class BlockMath {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Queries and keys per tile: the BLOCK x BLOCK score tile (16 KiB) and the panels it reads stay in L1/L2. */
    static final int BLOCK = 64;

    static {
        if (BLOCK % (2 * LANES) != 0) throw new IllegalStateException("attention BLOCK " + BLOCK + " is not a multiple of 2 x " + LANES + " lanes");
    }

    private BlockMath() {}

    /**
     * {@code S[r*BLOCK + c] = sum_{t<depth} A[aBase + r*aStride + t] * BT[bBase + t*bStride + c]} for
     * r, c < BLOCK: a tile of {@code A B^T} with B given transposed, so the inner loop broadcasts one
     * element of A and streams a row of BT.
     */
    static void scores(float[] a, int aBase, int aStride, float[] bt, int bBase, int bStride, int depth, float[] s) {
        for (int r = 0; r < BLOCK; r += 4) {
            int a0 = aBase + r * aStride, a1 = a0 + aStride, a2 = a1 + aStride, a3 = a2 + aStride;
            for (int c = 0; c < BLOCK; c += 2 * LANES) {
                FloatVector s00 = FloatVector.zero(SPECIES), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
                int b = bBase + c;
                for (int t = 0; t < depth; t++, b += bStride) {
                    FloatVector v0 = FloatVector.fromArray(SPECIES, bt, b), v1 = FloatVector.fromArray(SPECIES, bt, b + LANES);
                    FloatVector x0 = FloatVector.broadcast(SPECIES, a[a0 + t]), x1 = FloatVector.broadcast(SPECIES, a[a1 + t]);
                    FloatVector x2 = FloatVector.broadcast(SPECIES, a[a2 + t]), x3 = FloatVector.broadcast(SPECIES, a[a3 + t]);
                    s00 = v0.fma(x0, s00);
                    s01 = v1.fma(x0, s01);
                    s10 = v0.fma(x1, s10);
                    s11 = v1.fma(x1, s11);
                    s20 = v0.fma(x2, s20);
                    s21 = v1.fma(x2, s21);
                    s30 = v0.fma(x3, s30);
                    s31 = v1.fma(x3, s31);
                }
                int o = r * BLOCK + c;
                s00.intoArray(s, o);
                s01.intoArray(s, o + LANES);
                s10.intoArray(s, o + BLOCK);
                s11.intoArray(s, o + BLOCK + LANES);
                s20.intoArray(s, o + 2 * BLOCK);
                s21.intoArray(s, o + 2 * BLOCK + LANES);
                s30.intoArray(s, o + 3 * BLOCK);
                s31.intoArray(s, o + 3 * BLOCK + LANES);
            }
        }
    }

    /**
     * {@code C[r*cStride + w] += sum_{x<BLOCK} P[r*BLOCK + x] * M[mBase + x*mStride + w]} for r < BLOCK,
     * w < width (a multiple of LANES): a tile of {@code P M} accumulated into C.
     */
    static void accumulate(float[] p, float[] m, int mBase, int mStride, int width, float[] c, int cStride) {
        for (int r = 0; r < BLOCK; r += 4) {
            int p0 = r * BLOCK, p1 = p0 + BLOCK, p2 = p1 + BLOCK, p3 = p2 + BLOCK;
            int c0 = r * cStride, c1 = c0 + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
            int w = 0;
            for (; w + 2 * LANES <= width; w += 2 * LANES) {
                FloatVector y00 = FloatVector.fromArray(SPECIES, c, c0 + w), y01 = FloatVector.fromArray(SPECIES, c, c0 + w + LANES);
                FloatVector y10 = FloatVector.fromArray(SPECIES, c, c1 + w), y11 = FloatVector.fromArray(SPECIES, c, c1 + w + LANES);
                FloatVector y20 = FloatVector.fromArray(SPECIES, c, c2 + w), y21 = FloatVector.fromArray(SPECIES, c, c2 + w + LANES);
                FloatVector y30 = FloatVector.fromArray(SPECIES, c, c3 + w), y31 = FloatVector.fromArray(SPECIES, c, c3 + w + LANES);
                int mi = mBase + w;
                for (int x = 0; x < BLOCK; x++, mi += mStride) {
                    FloatVector v0 = FloatVector.fromArray(SPECIES, m, mi), v1 = FloatVector.fromArray(SPECIES, m, mi + LANES);
                    FloatVector q0 = FloatVector.broadcast(SPECIES, p[p0 + x]), q1 = FloatVector.broadcast(SPECIES, p[p1 + x]);
                    FloatVector q2 = FloatVector.broadcast(SPECIES, p[p2 + x]), q3 = FloatVector.broadcast(SPECIES, p[p3 + x]);
                    y00 = v0.fma(q0, y00);
                    y01 = v1.fma(q0, y01);
                    y10 = v0.fma(q1, y10);
                    y11 = v1.fma(q1, y11);
                    y20 = v0.fma(q2, y20);
                    y21 = v1.fma(q2, y21);
                    y30 = v0.fma(q3, y30);
                    y31 = v1.fma(q3, y31);
                }
                y00.intoArray(c, c0 + w);
                y01.intoArray(c, c0 + w + LANES);
                y10.intoArray(c, c1 + w);
                y11.intoArray(c, c1 + w + LANES);
                y20.intoArray(c, c2 + w);
                y21.intoArray(c, c2 + w + LANES);
                y30.intoArray(c, c3 + w);
                y31.intoArray(c, c3 + w + LANES);
            }
            for (; w < width; w += LANES) {
                FloatVector y0 = FloatVector.fromArray(SPECIES, c, c0 + w), y1 = FloatVector.fromArray(SPECIES, c, c1 + w);
                FloatVector y2 = FloatVector.fromArray(SPECIES, c, c2 + w), y3 = FloatVector.fromArray(SPECIES, c, c3 + w);
                int mi = mBase + w;
                for (int x = 0; x < BLOCK; x++, mi += mStride) {
                    FloatVector v = FloatVector.fromArray(SPECIES, m, mi);
                    y0 = v.fma(FloatVector.broadcast(SPECIES, p[p0 + x]), y0);
                    y1 = v.fma(FloatVector.broadcast(SPECIES, p[p1 + x]), y1);
                    y2 = v.fma(FloatVector.broadcast(SPECIES, p[p2 + x]), y2);
                    y3 = v.fma(FloatVector.broadcast(SPECIES, p[p3 + x]), y3);
                }
                y0.intoArray(c, c0 + w);
                y1.intoArray(c, c1 + w);
                y2.intoArray(c, c2 + w);
                y3.intoArray(c, c3 + w);
            }
        }
    }

    /** {@code row[at + x] = exp(row[at + x] * scale - shift)} for x < BLOCK; returns their sum. */
    static float expRow(float[] row, int at, float scale, float shift) {
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int x = 0; x < BLOCK; x += LANES) {
            FloatVector e = VectorExp.exp(FloatVector.fromArray(SPECIES, row, at + x).mul(scale).sub(shift));
            e.intoArray(row, at + x);
            sum = sum.add(e);
        }
        return (float) LaneSum.of(sum);
    }

    /** {@code max_x row[at + x] * scale} over x < BLOCK. */
    static float maxRow(float[] row, int at, float scale) {
        FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int x = 0; x < BLOCK; x += LANES) max = max.max(FloatVector.fromArray(SPECIES, row, at + x).mul(scale));
        return max.reduceLanes(VectorOperators.MAX);
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
}
