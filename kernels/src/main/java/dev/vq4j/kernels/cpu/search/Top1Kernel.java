package dev.vq4j.kernels.cpu.search;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Top-1 search of one query tile (version 2): for each L2-sized chunk of packed codes, each block of
 * 4 queries runs over the chunk with 8 accumulators (4 queries × 2 vectors of L codes) and keeps, per
 * query and lane, the best score so far and the code block it came from. A lane only ever sees its
 * codes in increasing order and replaces its best only on a strictly greater score, so among equal
 * scores the lowest index survives; the final reduction over lanes applies the same rule.
 */
final class Top1Kernel {
    private static final VectorSpecies<Float> S = CodebookSearch.SPECIES;
    private static final int L = S.length();
    /** Lane numbers 0..L-1 as floats. */
    private static final FloatVector LANE = FloatVector.fromArray(S, iota(), 0);
    private final PackedCodes codes;
    private final int chunkGroups;
    /** Per tile slot (query) and lane: best score and its vector-block number (exact in float below 2^24). */
    private final float[] bestScore, bestBlock;

    private static float[] iota() {
        float[] a = new float[L];
        for (int i = 0; i < L; i++) a[i] = i;
        return a;
    }

    Top1Kernel(PackedCodes codes) {
        this.codes = codes;
        this.chunkGroups = Math.max(1, CodebookSearch.CHUNK_FLOATS / Math.max(1, codes.dim * codes.groupWidth));
        bestScore = new float[CodebookSearch.TILE_QUERIES * L];
        bestBlock = new float[CodebookSearch.TILE_QUERIES * L];
    }

    void run(Queries q, int q0, int q1, int[] picked, CodebookSearch.Sink sink) {
        Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
        Arrays.fill(bestBlock, 0f);
        int last = q1 - 1;
        for (int g0 = 0; g0 < codes.groups; g0 += chunkGroups) {
            int g1 = Math.min(codes.groups, g0 + chunkGroups);
            for (int r = q0; r < q1; r += 4) // rows past the tile end repeat the last row into spare slots
                block(q.data(), q.row(r), q.row(Math.min(r + 1, last)), q.row(Math.min(r + 2, last)), q.row(Math.min(r + 3, last)),
                        (r - q0) * L, g0, g1);
        }
        for (int r = q0; r < q1; r++) {
            // lowest index among the lanes holding the best score, without branches: scores never
            // hold NaN (a NaN never passes the strict GT), so MAX and MIN are exact and order-free
            int slot = (r - q0) * L;
            FloatVector sv = FloatVector.fromArray(S, bestScore, slot);
            float top = sv.reduceLanes(VectorOperators.MAX);
            FloatVector iv = FloatVector.fromArray(S, bestBlock, slot).mul((float) L).add(LANE);
            int best = (int) iv.blend(Float.POSITIVE_INFINITY, sv.compare(VectorOperators.NE, top)).reduceLanes(VectorOperators.MIN);
            picked[0] = Math.min(best, codes.k - 1); // only all-NaN scores could leave a padding index
            sink.accept(r, picked);
        }
    }

    /** 4 queries (rows at x0..x3) against code groups [g0, g1); state at slots s, s+L, s+2L, s+3L. */
    private void block(float[] xs, int x0, int x1, int x2, int x3, int s, int g0, int g1) {
        final int dim = codes.dim, gw = codes.groupWidth;
        final float[] packed = codes.packed, bias = codes.bias;
        FloatVector b0 = FloatVector.fromArray(S, bestScore, s), b1 = FloatVector.fromArray(S, bestScore, s + L);
        FloatVector b2 = FloatVector.fromArray(S, bestScore, s + 2 * L), b3 = FloatVector.fromArray(S, bestScore, s + 3 * L);
        FloatVector i0 = FloatVector.fromArray(S, bestBlock, s), i1 = FloatVector.fromArray(S, bestBlock, s + L);
        FloatVector i2 = FloatVector.fromArray(S, bestBlock, s + 2 * L), i3 = FloatVector.fromArray(S, bestBlock, s + 3 * L);
        FloatVector blk0 = FloatVector.broadcast(S, 2 * g0), two = FloatVector.broadcast(S, 2f), one = FloatVector.broadcast(S, 1f);
        for (int g = g0; g < g1; g++, blk0 = blk0.add(two)) { // block numbers 2g, 2g+1: exact in float below 2^24
            FloatVector a00 = FloatVector.fromArray(S, bias, g * gw), a01 = FloatVector.fromArray(S, bias, g * gw + L);
            FloatVector a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
            for (int d = 0, p = g * dim * gw; d < dim; d++, p += gw) {
                FloatVector c0 = FloatVector.fromArray(S, packed, p), c1 = FloatVector.fromArray(S, packed, p + L);
                FloatVector v = FloatVector.broadcast(S, xs[x0 + d]);
                a00 = v.fma(c0, a00);
                a01 = v.fma(c1, a01);
                v = FloatVector.broadcast(S, xs[x1 + d]);
                a10 = v.fma(c0, a10);
                a11 = v.fma(c1, a11);
                v = FloatVector.broadcast(S, xs[x2 + d]);
                a20 = v.fma(c0, a20);
                a21 = v.fma(c1, a21);
                v = FloatVector.broadcast(S, xs[x3 + d]);
                a30 = v.fma(c0, a30);
                a31 = v.fma(c1, a31);
            }
            FloatVector blk1 = blk0.add(one);
            VectorMask<Float> m;
            m = a00.compare(VectorOperators.GT, b0); b0 = b0.blend(a00, m); i0 = i0.blend(blk0, m);
            m = a01.compare(VectorOperators.GT, b0); b0 = b0.blend(a01, m); i0 = i0.blend(blk1, m);
            m = a10.compare(VectorOperators.GT, b1); b1 = b1.blend(a10, m); i1 = i1.blend(blk0, m);
            m = a11.compare(VectorOperators.GT, b1); b1 = b1.blend(a11, m); i1 = i1.blend(blk1, m);
            m = a20.compare(VectorOperators.GT, b2); b2 = b2.blend(a20, m); i2 = i2.blend(blk0, m);
            m = a21.compare(VectorOperators.GT, b2); b2 = b2.blend(a21, m); i2 = i2.blend(blk1, m);
            m = a30.compare(VectorOperators.GT, b3); b3 = b3.blend(a30, m); i3 = i3.blend(blk0, m);
            m = a31.compare(VectorOperators.GT, b3); b3 = b3.blend(a31, m); i3 = i3.blend(blk1, m);
        }
        b0.intoArray(bestScore, s); b1.intoArray(bestScore, s + L); b2.intoArray(bestScore, s + 2 * L); b3.intoArray(bestScore, s + 3 * L);
        i0.intoArray(bestBlock, s); i1.intoArray(bestBlock, s + L); i2.intoArray(bestBlock, s + 2 * L); i3.intoArray(bestBlock, s + 3 * L);
    }
}
