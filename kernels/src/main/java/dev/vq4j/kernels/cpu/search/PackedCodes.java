package dev.vq4j.kernels.cpu.search;

import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.reference.ReferenceCodebookSearch;

/**
 * The codebook repacked for the search micro-kernels: codes in groups of {@code 2L} (two vectors of
 * L lanes), each group stored dimension-major ({@code packed[g][d][lane]}), so one step of the inner
 * loop loads the d-th coordinate of 2L codes as two contiguous vectors. Beside it the score bias of
 * each code: the kernels maximise {@code score = x.c - ||c||^2/2} (= minimise {@code ||c||^2 - 2 x.c},
 * the squared distance less the per-query constant {@code ||x||^2}). For cosine the codes are stored
 * l2-normalised and the bias is 0 (score = x.chat, ranking as the cosine since ||x|| is a positive
 * constant per query). Padding codes up to a whole group are zero with bias -inf: they never win.
 */
final class PackedCodes {
    final int k, dim, groups, groupWidth;
    final float[] packed, bias;
    /** Double norms of the original codes (cosine only, for the exact distances of the winners). */
    final double[] norms;

    PackedCodes(View codes, boolean cosine, int lanes) {
        k = codes.shape()[0];
        dim = codes.shape()[1];
        groupWidth = 2 * lanes;
        groups = (k + groupWidth - 1) / groupWidth;
        packed = new float[groups * groupWidth * dim];
        bias = new float[groups * groupWidth];
        norms = cosine ? new double[k] : null;
        float[] cs = ((HostBuffer) codes.buffer()).floats();
        int rowStride = codes.strides()[0], step = codes.strides()[1];
        for (int c = 0; c < groups * groupWidth; c++) {
            if (c >= k) {
                bias[c] = Float.NEGATIVE_INFINITY;
                continue;
            }
            int g = c / groupWidth, lane = c % groupWidth, at = codes.offset() + c * rowStride;
            double scale = 1;
            if (cosine) {
                norms[c] = ReferenceCodebookSearch.norm(cs, codes, c);
                scale = 1 / Math.max(norms[c], ReferenceCodebookSearch.NORMALIZE_EPS);
            }
            float sq = 0;
            for (int d = 0; d < dim; d++, at += step) {
                float v = (float) (cs[at] * scale);
                packed[(g * dim + d) * groupWidth + lane] = v;
                sq = Math.fma(v, v, sq);
            }
            bias[c] = cosine ? 0f : -0.5f * sq;
        }
    }
}
