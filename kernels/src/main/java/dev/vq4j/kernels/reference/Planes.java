package dev.vq4j.kernels.reference;

import dev.vq4j.core.View;

/**
 * A view split into planes: the leading dims enumerate planes (N*C for NCHW), the trailing
 * {@code trailingDims} dims form one plane. Kernels that work plane by plane use this to find the
 * element offset where plane {@code p} starts, for any strides.
 */
final class Planes {
    private Planes() {}

    /** Number of planes: the product of the leading dims. */
    static int count(View v, int trailingDims) {
        int n = 1;
        for (int d = 0; d < v.rank() - trailingDims; d++) n *= v.shape()[d];
        return n;
    }

    /** Element offset of the first element of plane {@code p} (row-major over the leading dims). */
    static int offset(View v, int p, int trailingDims) {
        int o = v.offset();
        for (int d = v.rank() - trailingDims - 1; d >= 0; d--) {
            int size = v.shape()[d];
            o += (p % size) * v.strides()[d];
            p /= size;
        }
        return o;
    }
}
