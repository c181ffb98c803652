package dev.vq4j.cuda;

/** OpenCL's NDRange (global work items, local group size) as a CUDA grid of blocks; checked against CUDA's limits. */
final class CudaLaunch {
    /** Grid limits of every GPU from compute capability 3.0 on; blocks hold at most 1024 threads. */
    static final long MAX_GRID_X = Integer.MAX_VALUE, MAX_GRID_YZ = 65535, MAX_BLOCK_THREADS = 1024;

    private CudaLaunch() {}

    /** Fills grid and block (three dimensions each; unused ones are 1). */
    static void geometry(String kernel, long[] global, long[] local, int[] grid, int[] block) {
        if (global.length < 1 || global.length > 3 || local == null || local.length != global.length)
            throw new IllegalArgumentException("kernel " + kernel + ": launch needs 1 to 3 dimensions with a group size for each, got global "
                    + java.util.Arrays.toString(global) + ", local " + java.util.Arrays.toString(local));
        long threads = 1;
        for (int d = 0; d < 3; d++) {
            long g = d < global.length ? global[d] : 1, l = d < local.length ? local[d] : 1;
            if (l < 1 || g < 1 || g % l != 0)
                throw new IllegalArgumentException("kernel " + kernel + ": global size " + g + " in dimension " + d
                        + " is not a positive multiple of the group size " + l);
            long blocks = g / l;
            if (blocks > (d == 0 ? MAX_GRID_X : MAX_GRID_YZ))
                throw new IllegalArgumentException("kernel " + kernel + ": " + blocks + " blocks in dimension " + d + " exceed CUDA's grid limit");
            grid[d] = (int) blocks;
            block[d] = (int) l;
            threads *= l;
        }
        if (threads > MAX_BLOCK_THREADS)
            throw new IllegalArgumentException("kernel " + kernel + ": a block of " + threads + " threads exceeds CUDA's limit of " + MAX_BLOCK_THREADS);
    }
}
