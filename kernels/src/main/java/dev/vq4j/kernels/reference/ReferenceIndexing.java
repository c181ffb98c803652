package dev.vq4j.kernels.reference;

import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * index_select / index_add / gather / scatter_add. Accumulating kernels run on one thread in a
 * fixed order, so duplicate indices sum in the same order every run.
 */
final class ReferenceIndexing {
    private ReferenceIndexing() {}

    /** Reads index element i of an INT64 or INT32 view and checks it against {@code size}. */
    private static int index(View idx, int flatOffset, int size, String op) {
        HostBuffer b = (HostBuffer) idx.buffer();
        long v = switch (b.dtype()) {
            case INT64 -> b.longs()[flatOffset];
            case INT32 -> b.ints()[flatOffset];
            default -> throw new IllegalArgumentException(op + ": index must be int64 or int32, got " + b.dtype().torchName());
        };
        if (v < 0 || v >= size) throw new IndexOutOfBoundsException(op + ": index " + v + " is out of bounds for dimension with size " + size);
        return (int) v;
    }

    /** Offset of a coordinate in a view. */
    private static int offsetOf(View v, int[] coord) {
        int o = v.offset();
        for (int d = 0; d < coord.length; d++) o += coord[d] * v.strides()[d];
        return o;
    }

    private static boolean next(int[] coord, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++coord[d] < shape[d]) return true;
            coord[d] = 0;
        }
        return false;
    }

    private static boolean isEmpty(int[] shape) {
        for (int s : shape) if (s == 0) return true;
        return false;
    }

    static void indexSelect(View x, int dim, View index, View out) {
        float[] src = ((HostBuffer) x.buffer()).floats(), dst = ((HostBuffer) out.buffer()).floats();
        if (isEmpty(out.shape())) return;
        int[] coord = new int[out.rank()];
        do {
            int i = coord[dim];
            coord[dim] = index(index, index.offset() + i * index.strides()[0], x.shape()[dim], "index_select");
            int so = offsetOf(x, coord);
            coord[dim] = i;
            dst[offsetOf(out, coord)] = src[so];
        } while (next(coord, out.shape()));
    }

    static void indexAdd(View dst, int dim, View index, View src) {
        float[] s = ((HostBuffer) src.buffer()).floats(), d = ((HostBuffer) dst.buffer()).floats();
        if (isEmpty(src.shape())) return;
        int[] coord = new int[src.rank()];
        do {
            int i = coord[dim];
            int so = offsetOf(src, coord);
            coord[dim] = index(index, index.offset() + i * index.strides()[0], dst.shape()[dim], "index_add");
            d[offsetOf(dst, coord)] += s[so];
            coord[dim] = i;
        } while (next(coord, src.shape()));
    }

    static void gather(View x, int dim, View index, View out) {
        float[] src = ((HostBuffer) x.buffer()).floats(), dst = ((HostBuffer) out.buffer()).floats();
        if (isEmpty(out.shape())) return;
        int[] coord = new int[out.rank()];
        do {
            int target = index(index, offsetOf(index, coord), x.shape()[dim], "gather");
            int i = coord[dim];
            coord[dim] = target;
            int so = offsetOf(x, coord);
            coord[dim] = i;
            dst[offsetOf(out, coord)] = src[so];
        } while (next(coord, out.shape()));
    }

    static void scatterAdd(View dst, int dim, View index, View src) {
        float[] s = ((HostBuffer) src.buffer()).floats(), d = ((HostBuffer) dst.buffer()).floats();
        if (isEmpty(index.shape())) return;
        int[] coord = new int[index.rank()];
        do {
            int target = index(index, offsetOf(index, coord), dst.shape()[dim], "scatter_add");
            float v = s[offsetOf(src, coord)];
            int i = coord[dim];
            coord[dim] = target;
            d[offsetOf(dst, coord)] += v;
            coord[dim] = i;
        } while (next(coord, index.shape()));
    }
}
