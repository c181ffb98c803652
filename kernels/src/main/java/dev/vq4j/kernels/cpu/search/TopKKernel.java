package dev.vq4j.kernels.cpu.search;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Top-k search of one query tile: the same 4 × 2L register block as {@link Top1Kernel} scores 4
 * queries against one code chunk into a small scratch (4 × chunk floats, in L1/L2: the N×K matrix is
 * never formed), then each query's scores are scanned against its current k-th best; only the rare
 * code that beats it is inserted into the query's sorted list. Scanning codes in increasing index
 * order with a strict comparison keeps the lowest index first among equal scores.
 */
final class TopKKernel {
    private static final VectorSpecies<Float> S = CodebookSearch.SPECIES;
    private static final int L = S.length();
    private final PackedCodes codes;
    private final int topK, chunkGroups, chunkCodes;
    private final float[] scratch;
    /** Per tile slot: the k best scores (descending) and their code indices. */
    private final float[] topScore;
    private final int[] topIndex;

    TopKKernel(PackedCodes codes, int topK) {
        this.codes = codes;
        this.topK = topK;
        chunkGroups = Math.max(1, CodebookSearch.CHUNK_FLOATS / Math.max(1, codes.dim * codes.groupWidth));
        chunkCodes = chunkGroups * codes.groupWidth;
        scratch = new float[4 * chunkCodes];
        topScore = new float[CodebookSearch.TILE_QUERIES * topK];
        topIndex = new int[CodebookSearch.TILE_QUERIES * topK];
    }

    void run(Queries q, int q0, int q1, int[] picked, CodebookSearch.Sink sink) {
        Arrays.fill(topScore, Float.NEGATIVE_INFINITY);
        Arrays.fill(topIndex, 0);
        int last = q1 - 1;
        for (int g0 = 0; g0 < codes.groups; g0 += chunkGroups) {
            int g1 = Math.min(codes.groups, g0 + chunkGroups);
            for (int r = q0; r < q1; r += 4) {
                score(q.data(), q.row(r), q.row(Math.min(r + 1, last)), q.row(Math.min(r + 2, last)), q.row(Math.min(r + 3, last)), g0, g1);
                int codeFrom = g0 * codes.groupWidth, count = Math.min(codes.k, g1 * codes.groupWidth) - codeFrom;
                for (int j = 0; j < 4 && r + j < q1; j++) merge(j * chunkCodes, count, codeFrom, (r + j - q0) * topK);
            }
        }
        for (int r = q0; r < q1; r++) {
            System.arraycopy(topIndex, (r - q0) * topK, picked, 0, topK);
            sink.accept(r, picked);
        }
    }

    /** Inserts the scratch scores at {@code from..from+count} (codes codeFrom..) that beat the list at {@code list}. */
    private void merge(int from, int count, int codeFrom, int list) {
        int lastAt = list + topK - 1;
        float threshold = topScore[lastAt];
        for (int c = 0; c < count; c++) {
            float s = scratch[from + c];
            if (!(s > threshold)) continue;
            int p = lastAt;
            while (p > list && s > topScore[p - 1]) {
                topScore[p] = topScore[p - 1];
                topIndex[p] = topIndex[p - 1];
                p--;
            }
            topScore[p] = s;
            topIndex[p] = codeFrom + c;
            threshold = topScore[lastAt];
        }
    }

    /** Scores of 4 queries against groups [g0, g1) into scratch rows 0..3. */
    private void score(float[] xs, int x0, int x1, int x2, int x3, int g0, int g1) {
        final int dim = codes.dim, gw = codes.groupWidth, cc = chunkCodes;
        final float[] packed = codes.packed, bias = codes.bias;
        for (int g = g0; g < g1; g++) {
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
            int o = (g - g0) * gw;
            a00.intoArray(scratch, o); a01.intoArray(scratch, o + L);
            a10.intoArray(scratch, cc + o); a11.intoArray(scratch, cc + o + L);
            a20.intoArray(scratch, 2 * cc + o); a21.intoArray(scratch, 2 * cc + o + L);
            a30.intoArray(scratch, 3 * cc + o); a31.intoArray(scratch, 3 * cc + o + L);
        }
    }
}
