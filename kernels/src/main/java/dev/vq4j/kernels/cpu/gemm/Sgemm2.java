package dev.vq4j.kernels.cpu.gemm;

/**
 * Version 2: Goto/BLIS blocking on one thread. B is packed into KC×NR slivers (one sliver stays in
 * L1 while every A sliver of the block passes it), A into MC×KC blocks of MR-row slivers (in L2),
 * and the {@link MicroKernel} keeps a 6×(2·L) tile of C in registers for a whole KC step.
 * The blocking code is shared with {@link Sgemm3}, which only adds the threads.
 */
public final class Sgemm2 {
    private Sgemm2() {}

    public static void multiply(int batch, int m, int n, int k, Panel a, Panel b, GemmOut c, boolean accumulate) {
        Sgemm3.run(batch, m, n, k, a, b, c, accumulate, false);
    }
}
