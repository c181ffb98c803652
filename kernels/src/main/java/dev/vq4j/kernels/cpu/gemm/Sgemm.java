package dev.vq4j.kernels.cpu.gemm;

/**
 * The SGEMM the cpu backend uses: {@code C[b] = (accumulate ? C[b] : 0) + A[b]·B[b]} for every batch
 * entry, with A seen as M×K and B as N×K through {@link Panel}s. Always the newest numbered version.
 *
 * <p>Versions, each a file of its own, checked against {@link Sgemm0} in the tests:
 * <ol start="0">
 *   <li>{@link Sgemm0}: the definition, one dot product per element, any strides.</li>
 *   <li>{@link Sgemm1}: i-k-j loop order, an FMA of a broadcast A element into a C row with the Vector API (needs unit-stride B and C rows).</li>
 *   <li>{@link Sgemm2}: packed panels + the 6×(2·L) register-blocked micro-kernel + MC/KC/NC cache blocking, one thread.</li>
 *   <li>{@link Sgemm3}: Sgemm2 spread over (batch × M-block × N-block) tiles on {@code Parallel}; tiny problems inline.</li>
 * </ol>
 */
public final class Sgemm {
    private Sgemm() {}

    public static void multiply(int batch, int m, int n, int k, Panel a, Panel b, GemmOut c, boolean accumulate) {
        Sgemm3.multiply(batch, m, n, k, a, b, c, accumulate);
    }

    /** As above with about {@code tilesPerThread} tiles per thread (fewer tiles, less packing; same bits). */
    public static void multiply(int batch, int m, int n, int k, Panel a, Panel b, GemmOut c, boolean accumulate, int tilesPerThread) {
        Sgemm3.multiply(batch, m, n, k, a, b, c, accumulate, tilesPerThread);
    }
}
