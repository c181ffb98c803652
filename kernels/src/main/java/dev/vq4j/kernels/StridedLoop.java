package dev.vq4j.kernels;

import dev.vq4j.core.Parallel;

/**
 * Walks same-shaped strided operands row by row: the last dimension is the inner loop, the others
 * an odometer. Rows are split across {@link Parallel}; each row is handled by one thread.
 */
public final class StridedLoop {
    private StridedLoop() {}

    /** Receives one row: the element offset of each operand at the row start, the row length, and each operand's inner stride. */
    @FunctionalInterface
    public interface RowBody {
        void row(int[] offsets, int length, int[] innerStrides);
    }

    /**
     * @param shape   common shape of all operands
     * @param strides per operand, its strides for {@code shape}
     * @param offsets per operand, its starting element offset
     */
    public static void forEachRow(int[] shape, int[][] strides, int[] offsets, long workPerElement, RowBody body) {
        int operands = strides.length;
        int rank = shape.length;
        int inner = rank == 0 ? 1 : shape[rank - 1];
        long rowsLong = 1;
        for (int i = 0; i < rank - 1; i++) rowsLong *= shape[i];
        if (inner == 0 || rowsLong == 0) return;
        int rows = (int) rowsLong;
        int[] innerStrides = new int[operands];
        for (int k = 0; k < operands; k++) innerStrides[k] = rank == 0 ? 0 : strides[k][rank - 1];
        Parallel.forRange(rows, (long) inner * workPerElement, (from, to) -> {
            int outer = Math.max(rank - 1, 0);
            int[] coord = new int[outer];
            int[] off = new int[operands];
            // decompose the first row index into coordinates
            int r = from;
            for (int d = outer - 1; d >= 0; d--) {
                coord[d] = r % shape[d];
                r /= shape[d];
            }
            for (int k = 0; k < operands; k++) {
                int o = offsets[k];
                for (int d = 0; d < outer; d++) o += coord[d] * strides[k][d];
                off[k] = o;
            }
            int[] rowOffsets = new int[operands];
            for (int row = from; row < to; row++) {
                System.arraycopy(off, 0, rowOffsets, 0, operands);
                body.row(rowOffsets, inner, innerStrides);
                // advance the odometer
                for (int d = outer - 1; d >= 0; d--) {
                    coord[d]++;
                    for (int k = 0; k < operands; k++) off[k] += strides[k][d];
                    if (coord[d] < shape[d]) break;
                    for (int k = 0; k < operands; k++) off[k] -= strides[k][d] * shape[d];
                    coord[d] = 0;
                }
            }
        });
    }
}
