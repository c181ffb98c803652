package dev.vq4j.kernels.cpu.search;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.reference.ReferenceCodebookSearch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused nearest-codebook search on the cpu (meaning: {@code Backend.nearestCodes}, defined by
 * {@link ReferenceCodebookSearch}). The N×K distance matrix is never written: queries are cut into
 * tiles, the packed codebook ({@link PackedCodes}) into L2-sized chunks, and a register-blocked
 * micro-kernel scores 4 queries × 2L codes per step of the D loop (8 independent FMA chains),
 * keeping a lane-wise running maximum of {@code x.c - ||c||^2/2} and its code block per query in
 * registers ({@link Top1Kernel}); the top-k variant scores one 4×chunk tile into a small scratch and
 * keeps a sorted list per query ({@link TopKKernel}).
 *
 * <p>Scores are float, as in PyTorch's {@code addmm}+{@code argmin} and FAISS: codes whose distances
 * differ by less than float rounding of {@code ||c||^2 - 2 x.c} may be ranked differently from the
 * exact double reference. Exact ties (duplicated codes) always go to the lowest index. Distances of
 * the codes picked are then recomputed exactly in double, as the reference does.
 *
 * <p>Versions (select with {@code -Dvq4j.search.version=N} for A/B runs):
 * <ol>
 *   <li>scalar tiled loops, float scores, running argmin per query: the baseline the vector
 *       versions are checked against in the A/B benchmark.</li>
 *   <li>Vector API: dimension-major packed codes, 4 queries × 2 vectors register block,
 *       lane-wise running argmax kept in registers across a whole code chunk, lanes reduced once per
 *       query at the end; no horizontal reduction or distance store in the hot loop. Bought ~30x
 *       (D=8) to ~55x (D=64) over version 1 at N=4096, K=8192 (2 threads, noisy shared machine:
 *       10 ms = 0.3 ns per pair at D=8, ~60 GFLOP/s at D=64 with the machine 4x oversubscribed).</li>
 *   <li>(default) top-1 overheads, which dominated small K (a profile at K=32 put ~60% of the
 *       time in {@code writeExact}, ~150 ns per query): the winner's exact distance written by
 *       {@link NearestWriter} (arrays and strides read once per call, no allocation per query; top-1
 *       L2 only); the lanes reduced per query without branches (MAX, then MIN of the block·L+lane
 *       of the lanes equal to it: the old compare chain mispredicted); the code-block numbers of
 *       the argmax blend advanced by one vector add per group instead of two int-to-float
 *       broadcasts. Bought (1 thread, CPU time, best of 10, noisy shared machine): N=65536 K=512
 *       D=4 6.35 -> 3.6 ms, D=8 9.0 -> 5.7 ms; N=4096 D=4 K=512 0.43 -> 0.23 ms; N=4096 D=8
 *       K=8192 6.2 -> 3.75 ms; N=4096 D=32 K=512 1.2-1.7 -> 1.04 ms. Tried and dropped: a D=4
 *       kernel with the D loop unrolled and query coordinates hoisted (2.5x slower: register
 *       spills); 32 KiB code chunks instead of 128 KiB (no gain within the noise). Version 2 now
 *       differs only by the generic writer: the {@link Top1Kernel} changes serve both.</li>
 * </ol>
 */
public final class CodebookSearch {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Queries per tile (the unit of parallel work); a multiple of the 4-query register block. */
    static final int TILE_QUERIES = 64;
    /** Packed floats per code chunk: 128 KiB, so a chunk stays in L2 while a whole query tile streams over it. */
    static final int CHUNK_FLOATS = 32 * 1024;
    private static final int VERSION = Integer.getInteger("vq4j.search.version", 3);

    private CodebookSearch() {}

    public static void nearestCodes(View x, View codes, int topK, boolean cosine, View outIndices, View outDistances) {
        int n = x.shape()[0], k = codes.shape()[0];
        if (n == 0) return;
        if (VERSION == 1 && topK == 1) {
            ScalarSearch.nearest(x, codes, cosine, outIndices, outDistances);
            return;
        }
        Queries q = Queries.of(x);
        PackedCodes packed = new PackedCodes(codes, cosine, SPECIES.length());
        int tiles = (n + TILE_QUERIES - 1) / TILE_QUERIES;
        long workPerTile = (long) TILE_QUERIES * packed.groups * packed.groupWidth * Math.max(packed.dim, 1);
        if (topK == 1 && !cosine && VERSION >= 3) {
            NearestWriter writer = new NearestWriter(x, codes, outIndices, outDistances);
            Parallel.forRange(tiles, workPerTile, (from, to) -> {
                Top1Kernel top1 = new Top1Kernel(packed);
                int[] picked = new int[1];
                for (int t = from; t < to; t++) {
                    int q0 = t * TILE_QUERIES, q1 = Math.min(n, q0 + TILE_QUERIES);
                    top1.run(q, q0, q1, picked, writer);
                }
            });
            return;
        }
        Parallel.forRange(tiles, workPerTile, (from, to) -> {
            Top1Kernel top1 = topK == 1 ? new Top1Kernel(packed) : null;
            TopKKernel topk = topK == 1 ? null : new TopKKernel(packed, topK);
            int[] picked = new int[topK];
            for (int t = from; t < to; t++) {
                int q0 = t * TILE_QUERIES, q1 = Math.min(n, q0 + TILE_QUERIES);
                if (top1 != null) top1.run(q, q0, q1, picked, (r, idx) -> writeExact(x, codes, packed, r, idx, cosine, outIndices, outDistances));
                else topk.run(q, q0, q1, picked, (r, idx) -> writeExact(x, codes, packed, r, idx, cosine, outIndices, outDistances));
            }
        });
    }

    /** Receives the codes chosen for query {@code row}, best first by float score. */
    @FunctionalInterface
    interface Sink {
        void accept(int row, int[] indices);
    }

    /** Recomputes the chosen codes' distances in double, orders them by (distance, index) and writes them. */
    static void writeExact(View x, View codes, PackedCodes packed, int row, int[] idx, boolean cosine, View outIndices, View outDistances) {
        float[] xs = ((HostBuffer) x.buffer()).floats(), cs = ((HostBuffer) codes.buffer()).floats();
        int m = idx.length;
        double[] dist = new double[m];
        double xNorm = cosine ? ReferenceCodebookSearch.norm(xs, x, row) : 0;
        for (int j = 0; j < m; j++)
            dist[j] = cosine ? ReferenceCodebookSearch.cosineDistance(xs, x, row, xNorm, cs, codes, idx[j], packed.norms[idx[j]])
                    : ReferenceCodebookSearch.squaredL2(xs, x, row, cs, codes, idx[j]);
        for (int j = 1; j < m; j++) { // insertion sort by (distance, index): m is small
            double dj = dist[j];
            int ij = idx[j], p = j;
            while (p > 0 && (dist[p - 1] > dj || (dist[p - 1] == dj && idx[p - 1] > ij))) {
                dist[p] = dist[p - 1];
                idx[p] = idx[p - 1];
                p--;
            }
            dist[p] = dj;
            idx[p] = ij;
        }
        for (int j = 0; j < m; j++) ReferenceCodebookSearch.write(outIndices, outDistances, row, j, idx[j], dist[j]);
    }
}
