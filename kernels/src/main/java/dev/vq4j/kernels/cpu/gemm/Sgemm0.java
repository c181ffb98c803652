package dev.vq4j.kernels.cpu.gemm;

/** Version 0, the plain reference: one float dot product per element of C, in k order, any strides. */
public final class Sgemm0 {
    private Sgemm0() {}

    public static void multiply(int batch, int m, int n, int k, StridedPanel a, StridedPanel b, GemmOut c, boolean accumulate) {
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = c.offset() + bi * c.batchStride() + i * c.rowStride() + c.column(j);
                    float acc = accumulate ? c.data()[at] : 0f;
                    int ai = a.offset() + bi * a.batchStride() + i * a.rowStride();
                    int bj = b.offset() + bi * b.batchStride() + j * b.rowStride();
                    for (int p = 0; p < k; p++) acc = Math.fma(a.data()[ai + p * a.depthStride()], b.data()[bj + p * b.depthStride()], acc);
                    c.data()[at] = acc;
                }
            }
        }
    }
}
