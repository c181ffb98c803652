package dev.vq4j.kernels.device;

import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/**
 * Group norm and softmax, forward and backward (norm.cl): work-groups per part of a (sample, group)
 * (partial sums to scratch, then a pass that adds them and applies), per channel (the weight and bias
 * gradients) or per row, with SHARED tree reductions; statistics and sums in double. Every view may be strided. Native for FLOAT32 tensors; other dtypes fall back.
 */
final class DeviceNorm {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.GROUP_NORM, Kernel.GROUP_NORM_BACKWARD, Kernel.SOFTMAX, Kernel.SOFTMAX_BACKWARD);

    /** Work-group size of every kernel here (norm.cl's NORM_GROUP). */
    static final int GROUP = 256;
    /** Rows up to this long run one work item per row; longer rows one work-group per row. */
    static final int SHORT_ROW = 32;
    /** Group norm splits a (sample, group) into parts to reach about this many work-groups... */
    static final int TARGET_GROUPS = 528;
    /** ...but no part smaller than this many elements. */
    static final int MIN_CHUNK = 8192;

    private static final ByteBuffer ABSENT = Strided.of(new int[] {1}, new int[] {0}, 0);

    private DeviceNorm() {}

    private static boolean floats(View... views) {
        for (View v : views) if (v != null && v.dtype() != DType.FLOAT32) return false;
        return true;
    }

    private static ByteBuffer st(View v) {
        return v == null ? ABSENT.duplicate() : Strided.of(v);
    }

    private static int has(View v) {
        return v == null ? 0 : 1;
    }

    /** {chunk, parts}: each (sample, group) of count elements in parts of chunk, enough work-groups for a large GPU. */
    static int[] parts(int items, int count) {
        int parts = Math.max(1, Math.min((TARGET_GROUPS + items - 1) / items, (count + MIN_CHUNK - 1) / MIN_CHUNK));
        int chunk = Math.max(1, (count + parts - 1) / parts);
        return new int[] {chunk, Math.max(1, (count + chunk - 1) / chunk)};
    }

    static boolean groupNorm(DeviceKernelBackend be, View x, View weight, View bias, int groups, float eps, boolean swish, View out, View mean, View rstd) {
        if (!floats(x, weight, bias, out, mean, rstd) || x.rank() != 3) return false;
        int n = x.shape()[0], c = x.shape()[1], s = x.shape()[2], items = n * groups;
        if (items == 0) return true;
        int[] cp = parts(items, c / groups * s);
        long[] global = {(long) items * cp[1] * GROUP}, local = {GROUP};
        try (DeviceBuffer part = be.allocateUninitialised(DType.INT64, 2 * items * cp[1])) {  // doubles
            be.api().launch("gn_forward_stats", global, local, be.arg(x), st(x), c, s, groups, cp[0], cp[1], part);
            be.api().launch("gn_forward", global, local,
                    be.arg(x), st(x), be.arg(weight), st(weight), has(weight), be.arg(bias), st(bias), has(bias),
                    c, s, groups, eps, swish ? 1 : 0, cp[0], cp[1], part,
                    be.arg(out), st(out), be.arg(mean), st(mean), be.arg(rstd), st(rstd));
        }
        return true;
    }

    static boolean groupNormBackward(DeviceKernelBackend be, View x, View weight, View bias, int groups, boolean swish, View mean, View rstd,
                                     View gradOut, View gradX, View gradWeight, View gradBias) {
        if (!floats(x, weight, bias, mean, rstd, gradOut, gradX, gradWeight, gradBias) || x.rank() != 3) return false;
        int n = x.shape()[0], c = x.shape()[1], s = x.shape()[2], items = n * groups;
        if (gradX != null && items > 0) {
            int[] cp = parts(items, c / groups * s);
            long[] global = {(long) items * cp[1] * GROUP}, local = {GROUP};
            try (DeviceBuffer part = be.allocateUninitialised(DType.INT64, 2 * items * cp[1])) {  // doubles
                be.api().launch("gn_backward_stats", global, local,
                        be.arg(x), st(x), be.arg(weight), st(weight), has(weight), be.arg(bias), st(bias), has(bias),
                        c, s, groups, swish ? 1 : 0, be.arg(mean), st(mean), be.arg(rstd), st(rstd),
                        be.arg(gradOut), st(gradOut), cp[0], cp[1], part);
                be.api().launch("gn_backward_x", global, local,
                        be.arg(x), st(x), be.arg(weight), st(weight), has(weight), be.arg(bias), st(bias), has(bias),
                        c, s, groups, swish ? 1 : 0, be.arg(mean), st(mean), be.arg(rstd), st(rstd),
                        be.arg(gradOut), st(gradOut), cp[0], cp[1], part, be.arg(gradX), st(gradX));
            }
        }
        if ((gradWeight != null || gradBias != null) && c > 0)
            be.api().launch("gn_backward_params", new long[] {(long) c * GROUP}, new long[] {GROUP},
                    be.arg(x), st(x), be.arg(weight), st(weight), has(weight), be.arg(bias), st(bias), has(bias),
                    n, c, s, groups, swish ? 1 : 0, be.arg(mean), st(mean), be.arg(rstd), st(rstd), be.arg(gradOut), st(gradOut),
                    be.arg(gradWeight), st(gradWeight), has(gradWeight), be.arg(gradBias), st(gradBias), has(gradBias));
        return true;
    }

    static boolean softmax(DeviceKernelBackend be, View x, View out, boolean log) {
        if (!floats(x, out) || x.rank() == 0) return false;
        int len = x.shape()[x.rank() - 1];
        if (len == 0 || x.numel() == 0) return true;
        int rows = x.numel() / len;
        if (len <= SHORT_ROW) be.launch1d("softmax_fwd_row", rows, be.arg(x), st(x), be.arg(out), st(out), len, rows, log ? 1 : 0);
        else be.api().launch("softmax_fwd_wg", new long[] {(long) rows * GROUP}, new long[] {GROUP},
                be.arg(x), st(x), be.arg(out), st(out), len, log ? 1 : 0);
        return true;
    }

    static boolean softmaxBackward(DeviceKernelBackend be, View y, View gradOut, View gradIn, boolean log) {
        if (!floats(y, gradOut, gradIn) || y.rank() == 0) return false;
        int len = y.shape()[y.rank() - 1];
        if (len == 0 || y.numel() == 0) return true;
        int rows = y.numel() / len;
        if (len <= SHORT_ROW) be.launch1d("softmax_bwd_row", rows, be.arg(y), st(y), be.arg(gradOut), st(gradOut), be.arg(gradIn), st(gradIn),
                len, rows, log ? 1 : 0);
        else be.api().launch("softmax_bwd_wg", new long[] {(long) rows * GROUP}, new long[] {GROUP},
                be.arg(y), st(y), be.arg(gradOut), st(gradOut), be.arg(gradIn), st(gradIn), len, log ? 1 : 0);
        return true;
    }
}
