package dev.vq4j.kernels.device;

import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;

import java.util.EnumSet;
import java.util.Set;

/**
 * Batched SGEMM tiled through shared memory (gemm.cl): every operand is read through its strides,
 * so transposed and broadcast (stride 0) batches need no copy. Problems with few output tiles and
 * a long K (weight gradients of linear layers) split K over more work-groups and add the partial
 * products in a second kernel. Non-float32 operands fall back to the host.
 */
final class DeviceGemm {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.MATMUL);

    /** Output tile of one work-group (GEMM_TM x GEMM_TN in gemm.cl), its K step, and its 16x16 work items. */
    static final int TILE = 64, TK = 16, LOCAL = 16;
    /** Split K until about this many work-groups run (two per SM on an H100 is 264). */
    static final int TARGET_GROUPS = 256;
    /** Each split covers at least this much of K. */
    static final int MIN_K_PER_SPLIT = 256;
    /** CUDA's limit on the grid's y and z extents. */
    static final int MAX_GRID_Z = 65535;

    private DeviceGemm() {}

    static boolean matmul(DeviceKernelBackend be, View a, View b, View out) {
        if (a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32) return false;
        int batch = out.shape()[0], m = out.shape()[1], n = out.shape()[2], k = a.shape()[2];
        if ((long) batch * m * n == 0) return true;
        int tilesM = ceilDiv(m, TILE), tilesN = ceilDiv(n, TILE);
        if ((long) tilesM * tilesN * LOCAL > Integer.MAX_VALUE) return false;
        int[] plan = splitPlan((long) tilesM * tilesN * batch, k, MAX_GRID_Z);
        int splits = plan[0], kChunk = plan[1];
        int[] as = a.strides(), bs = b.strides(), cs = out.strides();
        if (splits == 1) {
            gemm(be, a, as, b, bs, be.arg(out), out.offset(), cs[0], cs[1], cs[2], 0, batch, m, n, k, tilesM, tilesN, 1, kChunk);
            return true;
        }
        int count = batch * m * n;
        try (DeviceBuffer part = be.allocateUninitialised(DType.FLOAT32, splits * count)) {
            gemm(be, a, as, b, bs, part, 0, m * n, n, 1, count, batch, m, n, k, tilesM, tilesN, splits, kChunk);
            splitSum(be, part, splits, out);
        }
        return true;
    }

    private static void gemm(DeviceKernelBackend be, View a, int[] as, View b, int[] bs, Object c, int cOff, int csb, int csm, int csn, int css,
                             int batch, int m, int n, int k, int tilesM, int tilesN, int splits, int kChunk) {
        int perLaunch = Math.max(1, MAX_GRID_Z / splits);
        for (int b0 = 0; b0 < batch; b0 += perLaunch) {
            int nb = Math.min(perLaunch, batch - b0);
            be.api().launch("gemm_f32", new long[] {(long) tilesM * tilesN * LOCAL, LOCAL, (long) nb * splits}, new long[] {LOCAL, LOCAL, 1},
                    be.arg(a), a.offset(), as[0], as[1], as[2],
                    be.arg(b), b.offset(), bs[0], bs[1], bs[2],
                    c, cOff, csb, csm, csn, css,
                    m, n, k, tilesN, splits, kChunk, b0);
        }
    }

    /**
     * How many K splits a problem of {@code groups} output-tile work-groups gets: enough to bring
     * the work-groups near {@link #TARGET_GROUPS}, each split at least {@link #MIN_K_PER_SPLIT} long.
     */
    static int splits(long groups, int k) {
        if (groups >= TARGET_GROUPS || k < 2 * MIN_K_PER_SPLIT) return 1;
        long want = ceilDiv(TARGET_GROUPS, (int) groups);
        return (int) Math.max(1, Math.min(want, k / MIN_K_PER_SPLIT));
    }

    /** {splits, kChunk}: K split per {@link #splits}, at most {@code maxSplits}, into chunks that are multiples of the K step. */
    static int[] splitPlan(long groups, int k, int maxSplits) {
        int splits = Math.min(splits(groups, k), Math.max(1, maxSplits));
        if (splits <= 1) return new int[] {1, Math.max(k, 1)};
        int kChunk = (int) DeviceKernelBackend.roundUp(ceilDiv(k, splits), TK);
        return new int[] {ceilDiv(k, kChunk), kChunk};
    }

    /** out = the sum of the {@code splits} partial products in {@code part} ([splits][out.numel()], contiguous). */
    static void splitSum(DeviceKernelBackend be, DeviceBuffer part, int splits, View out) {
        be.launch1d("gemm_splitk_sum", out.numel(), part, splits, out.numel(), be.arg(out), Strided.of(out));
    }

    static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }
}
