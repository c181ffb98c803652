package dev.vq4j.kernels.cpu;

import dev.vq4j.core.DType;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

import java.util.Arrays;

/**
 * Float sums in the two layouts a training step reduces in, bit-identical to the reference (each
 * output is the same sequential double sum over the reduced elements in the same order) but without
 * its per-element index walk:
 * <ul>
 *   <li><b>rows</b>: the reduced elements of each output are one contiguous run (a norm's statistics over
 *       the last dim, a loss's sum);</li>
 *   <li><b>columns</b>: the kept innermost dim is the unit-stride one and the reduced dims are outer
 *       (a bias gradient: [B, T, C] summed to [C]); each pass over a reduced coordinate adds a
 *       contiguous row into m double accumulators.</li>
 * </ul>
 * Anything else returns false and runs the reference loop.
 */
final class CpuReduce {
    private static final int COLUMN_CHUNK = 64;

    private CpuReduce() {}

    static boolean sum(View x, int reducedDims, View out) {
        if (x.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32 || !out.isContiguous() || reducedDims == 0) return false;
        int rank = x.rank(), outerRank = rank - reducedDims;
        int[] shape = x.shape(), strides = x.strides();
        int inner = 1;
        for (int d = outerRank; d < rank; d++) inner *= shape[d];
        if (inner == 0 || out.numel() == 0) return false;
        float[] src = ((HostBuffer) x.buffer()).floats(), dst = ((HostBuffer) out.buffer()).floats();
        if (denseTail(shape, strides, outerRank)) return rows(src, x, outerRank, inner, dst, out.offset());
        if (outerRank > 0 && strides[outerRank - 1] == 1 && shape[outerRank - 1] > 1) return columns(src, x, outerRank, dst, out.offset());
        return false;
    }

    /** Whether dims from..rank−1 form one dense row-major block (last stride 1). */
    private static boolean denseTail(int[] shape, int[] strides, int from) {
        int expect = 1;
        for (int d = shape.length - 1; d >= from; d--) {
            if (shape[d] != 1 && strides[d] != expect) return false;
            expect *= shape[d];
        }
        return true;
    }

    private static boolean rows(float[] src, View x, int outerRank, int inner, float[] dst, int dstOff) {
        int[] outerShape = Arrays.copyOf(x.shape(), outerRank);
        int outer = 1;
        for (int s : outerShape) outer *= s;
        Parallel.forRange(outer, inner, (from, to) -> {
            for (int o = from; o < to; o++) {
                int base = x.offset();
                for (int d = outerRank - 1, r = o; d >= 0; d--) {
                    base += (r % outerShape[d]) * x.strides()[d];
                    r /= outerShape[d];
                }
                double sum = 0;
                for (int i = 0; i < inner; i++) sum += src[base + i];
                dst[dstOff + o] = (float) sum;
            }
        });
        return true;
    }

    private static boolean columns(float[] src, View x, int outerRank, float[] dst, int dstOff) {
        int rank = x.rank(), m = x.shape()[outerRank - 1];
        int[] groupShape = Arrays.copyOf(x.shape(), outerRank - 1);
        int[] innerShape = Arrays.copyOfRange(x.shape(), outerRank, rank), innerStrides = Arrays.copyOfRange(x.strides(), outerRank, rank);
        int groups = 1, inner = 1;
        for (int s : groupShape) groups *= s;
        for (int s : innerShape) inner *= s;
        int chunks = (m + COLUMN_CHUNK - 1) / COLUMN_CHUNK, innerCount = inner;
        Parallel.forRange(groups * chunks, (long) COLUMN_CHUNK * inner, (from, to) -> {
            double[] acc = new double[COLUMN_CHUNK];
            int[] coord = new int[innerShape.length];
            for (int task = from; task < to; task++) {
                int g = task / chunks, j0 = (task % chunks) * COLUMN_CHUNK, len = Math.min(COLUMN_CHUNK, m - j0);
                int base = x.offset() + j0;
                for (int d = groupShape.length - 1, r = g; d >= 0; d--) {
                    base += (r % groupShape[d]) * x.strides()[d];
                    r /= groupShape[d];
                }
                Arrays.fill(acc, 0, len, 0.0);
                Arrays.fill(coord, 0);
                int off = base;
                for (int i = 0; i < innerCount; i++) {
                    for (int j = 0; j < len; j++) acc[j] += src[off + j];
                    for (int d = innerShape.length - 1; d >= 0; d--) { // next reduced coordinate, last dim fastest (the reference's order)
                        coord[d]++;
                        off += innerStrides[d];
                        if (coord[d] < innerShape[d]) break;
                        off -= innerStrides[d] * innerShape[d];
                        coord[d] = 0;
                    }
                }
                int o = dstOff + g * m + j0;
                for (int j = 0; j < len; j++) dst[o + j] = (float) acc[j];
            }
        });
        return true;
    }
}
