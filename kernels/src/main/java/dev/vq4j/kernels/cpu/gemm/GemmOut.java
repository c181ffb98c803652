package dev.vq4j.kernels.cpu.gemm;

/**
 * Where C goes: element {@code (i, j)} of batch {@code b} at
 * {@code data[offset + b*batchStride + i*rowStride + column(j)]}, with {@code column(j)} either
 * {@code j*colStride} or a table (convolutions write scattered positions through it).
 */
public record GemmOut(float[] data, int offset, int batchStride, int rowStride, int colStride, int[] columnOffsets) {

    public static GemmOut strided(float[] data, int offset, int batchStride, int rowStride, int colStride) {
        return new GemmOut(data, offset, batchStride, rowStride, colStride, null);
    }

    /** Columns at arbitrary offsets; collapses to a stride when the table is an arithmetic progression. */
    public static GemmOut columns(float[] data, int offset, int batchStride, int rowStride, int[] columnOffsets) {
        int n = columnOffsets.length;
        int step = n > 1 ? columnOffsets[1] - columnOffsets[0] : 1;
        boolean linear = true;
        for (int j = 0; j < n && linear; j++) linear = columnOffsets[j] == columnOffsets[0] + j * step;
        if (linear) return new GemmOut(data, offset + (n > 0 ? columnOffsets[0] : 0), batchStride, rowStride, step, null);
        return new GemmOut(data, offset, batchStride, rowStride, 0, columnOffsets);
    }

    int column(int j) {
        return columnOffsets == null ? j * colStride : columnOffsets[j];
    }

    /** True when C's columns are contiguous, so the micro-kernel can load and store C directly. */
    boolean unitColumns() {
        return columnOffsets == null && colStride == 1;
    }
}
