package dev.vq4j.kernels.device;

import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;

import java.util.EnumSet;
import java.util.Set;

/**
 * index_select, index_add, gather, scatter_add (index.cl): float views with an INT32 or INT64 index,
 * any strides. Each kernel checks its indices as it reads them; the host then reads one int of error
 * flag (so every call waits for its kernel) and, when it is set, throws the reference's
 * {@link IndexOutOfBoundsException} naming the first bad index in the index's row-major order.
 */
final class DeviceIndex {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.INDEX_SELECT, Kernel.INDEX_ADD, Kernel.GATHER, Kernel.SCATTER_ADD);

    private DeviceIndex() {}

    static boolean indexSelect(DeviceKernelBackend be, View x, int dim, View index, View out) {
        if (!floats(x, out) || !isIndex(index)) return false;
        return run(be, "index_select", "index_select", index, x.shape()[dim], out.numel(), x, out, dim);
    }

    static boolean indexAdd(DeviceKernelBackend be, View dst, int dim, View index, View src) {
        if (!floats(dst, src) || !isIndex(index)) return false;
        return run(be, "index_add", "index_add", index, dst.shape()[dim], src.numel(), dst, src, dim);
    }

    static boolean gather(DeviceKernelBackend be, View x, int dim, View index, View out) {
        if (!floats(x, out) || !isIndex(index)) return false;
        return run(be, "index_gather", "gather", index, x.shape()[dim], out.numel(), x, out, dim);
    }

    static boolean scatterAdd(DeviceKernelBackend be, View dst, int dim, View index, View src) {
        if (!floats(dst, src) || !isIndex(index)) return false;
        return run(be, "index_scatter_add", "scatter_add", index, dst.shape()[dim], index.numel(), dst, src, dim);
    }

    private static boolean floats(View a, View b) {
        return a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32;
    }

    private static boolean isIndex(View index) {
        return index.dtype() == DType.INT64 || index.dtype() == DType.INT32;
    }

    /**
     * Launches {@code kernel_<i32|i64>(a, index, b, dim, err, n)} over n work items, then throws if
     * an index was out of [0, size).
     */
    private static boolean run(DeviceKernelBackend be, String kernel, String op, View index, int size, int n, View a, View b, int dim) {
        if (n == 0) return true;
        try (DeviceBuffer err = (DeviceBuffer) be.allocate(DType.INT32, 1)) {
            be.launch1d(kernel + "_" + DeviceElementwise.suffix(index.dtype()), n,
                    be.arg(a), Strided.of(a), be.arg(index), Strided.of(index), be.arg(b), Strided.of(b), dim, err, n);
            if (((int[]) be.readWhole(err))[0] != 0) throw outOfBounds(be, op, index, size);
        }
        return true;
    }

    /** The reference's error for the first index (row-major) outside [0, size). */
    private static IndexOutOfBoundsException outOfBounds(DeviceKernelBackend be, String op, View index, int size) {
        Object host = be.download(index);
        int n = index.numel();
        for (int i = 0; i < n; i++) {
            long v = host instanceof long[] l ? l[i] : ((int[]) host)[i];
            if (v < 0 || v >= size)
                return new IndexOutOfBoundsException(op + ": index " + v + " is out of bounds for dimension with size " + size);
        }
        return new IndexOutOfBoundsException(op + ": an index is out of bounds for dimension with size " + size);
    }
}
