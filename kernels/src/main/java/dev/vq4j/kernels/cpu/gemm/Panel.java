package dev.vq4j.kernels.cpu.gemm;

/**
 * One operand of {@code C = A·B} as the GEMM driver reads it: a matrix of {@code rows × depth}
 * (A is M×K; B is seen transposed, N×K), packed on demand into the micro-kernel's panel layout.
 * A plain strided matrix is {@link StridedPanel}; convolutions implement it to gather im2col data
 * straight into the panel, so the full im2col matrix is never written (implicit GEMM).
 */
public interface Panel {
    /**
     * Writes {@code dst[(s*depth + p)*width + r] = element(row0 + s*width + r, depth0 + p)} for every
     * sliver {@code s} of {@code width} rows covering {@code [row0, row0+rows)}; rows past the end
     * of the last sliver are written as 0.
     */
    void pack(int batch, int row0, int rows, int depth0, int depth, int width, float[] dst);
}
