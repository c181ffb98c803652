package dev.vq4j.kernels.cpu.gemm;

/**
 * A strided matrix as a {@link Panel}: element {@code (r, p)} of batch {@code b} lives at
 * {@code data[offset + b*batchStride + r*rowStride + p*depthStride]}. Transposes are swapped strides,
 * broadcasts are stride 0.
 */
public record StridedPanel(float[] data, int offset, int batchStride, int rowStride, int depthStride) implements Panel {

    /** The left operand A [B, M, K] with strides {@code (sb, sm, sk)}. */
    public static StridedPanel left(float[] data, int offset, int sb, int sm, int sk) {
        return new StridedPanel(data, offset, sb, sm, sk);
    }

    /** The right operand B [B, K, N] with strides {@code (sb, sk, sn)}, seen as N×K. */
    public static StridedPanel right(float[] data, int offset, int sb, int sk, int sn) {
        return new StridedPanel(data, offset, sb, sn, sk);
    }

    @Override
    public void pack(int batch, int row0, int rows, int depth0, int depth, int width, float[] dst) {
        int base0 = offset + batch * batchStride + depth0 * depthStride;
        for (int s0 = 0, d = 0; s0 < rows; s0 += width, d += depth * width) {
            int valid = Math.min(width, rows - s0);
            int base = base0 + (row0 + s0) * rowStride;
            if (valid < width) java.util.Arrays.fill(dst, d, d + depth * width, 0f);
            if (rowStride == 1) {
                // a sliver row is contiguous in memory: copy runs
                for (int p = 0, at = base; p < depth; p++, at += depthStride) System.arraycopy(data, at, dst, d + p * width, valid);
            } else {
                // walk each row along depth (contiguous when depthStride is 1), write with stride width
                for (int r = 0; r < valid; r++) {
                    int at = base + r * rowStride, to = d + r;
                    for (int p = 0; p < depth; p++, at += depthStride, to += width) dst[to] = data[at];
                }
            }
        }
    }
}
