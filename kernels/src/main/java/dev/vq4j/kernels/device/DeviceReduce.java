package dev.vq4j.kernels.device;

import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reductions over trailing dims (reduce.cl), FLOAT32 input, any strides; other input dtypes fall back.
 * Short reduced blocks (at most {@link #ROW_MAX} elements) take one work item per output element;
 * longer ones one work-group per output element with a shared tree reduction, and when there are
 * few output elements each block is split into chunks whose partials a second kernel combines in
 * a fixed order (deterministic).
 */
final class DeviceReduce {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.REDUCE);
    /** Longest reduced block that one work item reduces alone. */
    static final int ROW_MAX = 32;
    /** Work-groups to aim for when splitting long blocks (fills an H100's 132 SMs several times). */
    static final int TARGET_GROUPS = 1024;
    /** Elements per chunk at least, when splitting. */
    static final int MIN_CHUNK = 4096;

    private DeviceReduce() {}

    static boolean reduce(DeviceKernelBackend be, ReduceOp op, View x, int reducedDims, View out) {
        boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
        if (x.dtype() != DType.FLOAT32 || out.dtype() != (arg ? DType.INT64 : DType.FLOAT32)) return false;
        int rank = x.rank(), outerRank = rank - reducedDims;
        int[] outerShape = Arrays.copyOf(x.shape(), outerRank), outerStrides = Arrays.copyOf(x.strides(), outerRank);
        int[] innerShape = Arrays.copyOfRange(x.shape(), outerRank, rank), innerStrides = Arrays.copyOfRange(x.strides(), outerRank, rank);
        int outerCount = Shapes.numel(outerShape), innerCount = Shapes.numel(innerShape);
        if (outerCount == 0) return true;
        var so = collapse(outerShape, outerStrides, x.offset());
        var si = collapse(innerShape, innerStrides, 0);
        var sout = Strided.of(out);
        Object outF = arg ? DeviceApi.NO_BUFFER : be.arg(out), outI = arg ? be.arg(out) : DeviceApi.NO_BUFFER;
        int code = op.ordinal();
        if (innerCount <= ROW_MAX) {
            be.launch1d("reduce_f32_rows", outerCount, be.arg(x), so, si, innerCount, code, outF, outI, sout, outerCount);
            return true;
        }
        int nChunks = 1;
        if (outerCount < TARGET_GROUPS / 2 && innerCount > 2 * MIN_CHUNK)
            nChunks = Math.min((innerCount + MIN_CHUNK - 1) / MIN_CHUNK, (TARGET_GROUPS + outerCount - 1) / outerCount);
        int chunk = (innerCount + nChunks - 1) / nChunks;
        nChunks = (innerCount + chunk - 1) / chunk;
        int local = Math.max(32, Math.min(DeviceKernelBackend.BLOCK, Integer.highestOneBit(Math.max(1, chunk / 4) * 2 - 1)));
        if (nChunks == 1) {
            be.api().launch("reduce_f32_group", new long[] {(long) outerCount * local, 1}, new long[] {local, 1},
                    be.arg(x), so, si, innerCount, chunk, 1, code, outF, outI, sout, DeviceApi.NO_BUFFER);
            return true;
        }
        try (DeviceBuffer part = be.allocateUninitialised(DType.INT64, 2 * outerCount * nChunks)) {  // doubles: (value, index) pairs
            be.api().launch("reduce_f32_group", new long[] {(long) outerCount * local, nChunks}, new long[] {local, 1},
                    be.arg(x), so, si, innerCount, chunk, nChunks, code, DeviceApi.NO_BUFFER, DeviceApi.NO_BUFFER, sout, part);
            int fl = Math.max(32, Math.min(DeviceKernelBackend.BLOCK, Integer.highestOneBit(nChunks * 2 - 1)));
            be.api().launch("reduce_f32_finish", new long[] {(long) outerCount * fl}, new long[] {fl}, part, nChunks, code, outF, outI, sout);
        }
        return true;
    }

    /** Strided geometry of dims with size-1 dims dropped and contiguous neighbours merged. */
    static java.nio.ByteBuffer collapse(int[] shape, int[] strides, int offset) {
        int[] s = new int[shape.length], st = new int[shape.length];
        int n = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (n > 0 && st[n - 1] == strides[d] * shape[d]) {
                s[n - 1] *= shape[d];
                st[n - 1] = strides[d];
            } else {
                s[n] = shape[d];
                st[n] = strides[d];
                n++;
            }
        }
        return Strided.of(Arrays.copyOf(s, n), Arrays.copyOf(st, n), offset);
    }
}
