package dev.vq4j.kernels.reference;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/** Batched matrix product by the definition, with double accumulation: the oracle for every fast GEMM. */
final class ReferenceMatmul {
    private ReferenceMatmul() {}

    static void matmul(View a, View b, View out) {
        int batch = out.shape()[0], m = out.shape()[1], n = out.shape()[2], k = a.shape()[2];
        float[] A = ((HostBuffer) a.buffer()).floats();
        float[] B = ((HostBuffer) b.buffer()).floats();
        float[] C = ((HostBuffer) out.buffer()).floats();
        int[] as = a.strides(), bs = b.strides(), cs = out.strides();
        Parallel.forRange(batch * m, (long) n * k, (from, to) -> {
            for (int row = from; row < to; row++) {
                int bi = row / m, i = row % m;
                int aRow = a.offset() + bi * as[0] + i * as[1];
                int bBase = b.offset() + bi * bs[0];
                int cRow = out.offset() + bi * cs[0] + i * cs[1];
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    int ai = aRow, bj = bBase + j * bs[2];
                    for (int p = 0; p < k; p++, ai += as[2], bj += bs[1]) acc += (double) A[ai] * B[bj];
                    C[cRow + j * cs[2]] = (float) acc;
                }
            }
        });
    }
}
