package dev.vq4j.kernels.device;

import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;

import java.util.EnumSet;
import java.util.Set;

/**
 * The fused nearest-codebook search (search.cl): code norms, then the tiled search over (query
 * block, code split) work-groups into per-split top-k lists, then one pass that merges the splits
 * and reports the exact distances. Runs natively for FLOAT32 x and codes and {@code topK <= 32};
 * a larger topK falls back to the host.
 */
final class DeviceSearch {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.NEAREST_CODES);

    /** Queries per work-group and codes per tile (search.cl's SEARCH_Q, SEARCH_C). */
    static final int QUERIES = 64, CODES = 64, GROUP = 256;
    static final int MAX_TOP_K = 32;
    /** Work-groups to aim for (enough for a large GPU); the codes are split to reach it. */
    static final int TARGET_GROUPS = 528;
    /** A split covers at least this many code tiles, so the merge stays cheap. */
    static final int MIN_TILES_PER_SPLIT = 4;

    private DeviceSearch() {}

    static boolean nearestCodes(DeviceKernelBackend be, View x, View codes, int topK, boolean cosine, View outIndices, View outDistances) {
        if (x.dtype() != DType.FLOAT32 || codes.dtype() != DType.FLOAT32 || outIndices.dtype() != DType.INT64
                || outDistances.dtype() != DType.FLOAT32 || topK < 1 || topK > MAX_TOP_K) return false;
        int n = x.shape()[0], dim = x.shape()[1], k = codes.shape()[0];
        if (topK > k) return false;
        if (n == 0) return true;
        DeviceBuffer xTmp = x.isContiguous() ? null : be.allocateUninitialised(DType.FLOAT32, n * dim);
        DeviceBuffer cTmp = codes.isContiguous() ? null : be.allocateUninitialised(DType.FLOAT32, k * dim);
        try {
            View xc = x, cc = codes;
            if (xTmp != null) be.copy(x, xc = View.contiguous(xTmp, n, dim));
            if (cTmp != null) be.copy(codes, cc = View.contiguous(cTmp, k, dim));
            int tiles = (k + CODES - 1) / CODES, queryGroups = (n + QUERIES - 1) / QUERIES;
            int splits = Math.max(1, Math.min(tiles / MIN_TILES_PER_SPLIT, (TARGET_GROUPS + queryGroups - 1) / queryGroups));
            int tilesPerSplit = (tiles + splits - 1) / splits;
            splits = (tiles + tilesPerSplit - 1) / tilesPerSplit;
            int flag = cosine ? 1 : 0;
            try (DeviceBuffer norms = be.allocateUninitialised(DType.FLOAT32, k);
                 DeviceBuffer pscore = be.allocateUninitialised(DType.FLOAT32, splits * n * topK);
                 DeviceBuffer pidx = be.allocateUninitialised(DType.INT32, splits * n * topK)) {
                be.launch1d("search_code_norms", k, be.arg(cc), cc.offset(), k, dim, flag, norms);
                String kernel = topK == 1 ? "search_topk_1" : topK <= 8 ? "search_topk_8" : "search_topk_32";
                be.api().launch(kernel, new long[] {(long) queryGroups * GROUP, splits}, new long[] {GROUP, 1},
                        be.arg(xc), xc.offset(), be.arg(cc), cc.offset(), norms, n, k, dim, flag, topK, tilesPerSplit, pscore, pidx);
                int[] si = outIndices.strides(), sd = outDistances.strides();
                be.launch1d("search_finish", n, be.arg(xc), xc.offset(), be.arg(cc), cc.offset(), n, dim, flag, topK, splits, pscore, pidx,
                        be.arg(outIndices), outIndices.offset(), si[0], si[1], be.arg(outDistances), outDistances.offset(), sd[0], sd[1]);
            }
        } finally {
            if (xTmp != null) xTmp.close();
            if (cTmp != null) cTmp.close();
        }
        return true;
    }
}
