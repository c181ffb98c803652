package dev.vq4j.kernels.cpu.search;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;

/**
 * Version 1 of the top-1 search: scalar loops over the same packed codes, float scores
 * {@code x.c - ||c||^2/2}, running best per query, strict comparison (lowest index on ties). The
 * baseline for A/B runs ({@code -Dvq4j.search.version=1}); the JIT auto-vectorises the lane loop.
 */
final class ScalarSearch {
    private ScalarSearch() {}

    static void nearest(View x, View codes, boolean cosine, View outIndices, View outDistances) {
        Queries q = Queries.of(x);
        PackedCodes packed = new PackedCodes(codes, cosine, 8);
        int n = x.shape()[0], dim = packed.dim, gw = packed.groupWidth;
        Parallel.forRange(n, (long) packed.k * dim, (from, to) -> {
            float[] acc = new float[gw];
            int[] picked = new int[1];
            for (int r = from; r < to; r++) {
                int xr = q.row(r), best = 0;
                float bestS = Float.NEGATIVE_INFINITY;
                for (int g = 0; g < packed.groups; g++) {
                    System.arraycopy(packed.bias, g * gw, acc, 0, gw);
                    for (int d = 0, p = g * dim * gw; d < dim; d++, p += gw) {
                        float v = q.data()[xr + d];
                        for (int l = 0; l < gw; l++) acc[l] = Math.fma(v, packed.packed[p + l], acc[l]);
                    }
                    for (int l = 0; l < gw; l++)
                        if (acc[l] > bestS) {
                            bestS = acc[l];
                            best = g * gw + l;
                        }
                }
                picked[0] = best;
                CodebookSearch.writeExact(x, codes, packed, r, picked, cosine, outIndices, outDistances);
            }
        });
    }
}
