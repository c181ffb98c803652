package dev.vq4j.kernels.cpu.search;

import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/** Query rows as the micro-kernels read them: row {@code r} at {@code data[offset + r*rowStride + j]}, unit inner stride (copied if not). */
record Queries(float[] data, int offset, int rowStride) {
    static Queries of(View x) {
        float[] xs = ((HostBuffer) x.buffer()).floats();
        int n = x.shape()[0], dim = x.shape()[1];
        if (x.strides()[1] == 1 || dim == 1) return new Queries(xs, x.offset(), x.strides()[0]);
        float[] copy = new float[n * dim];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < dim; j++) copy[r * dim + j] = xs[x.offset() + r * x.strides()[0] + j * x.strides()[1]];
        return new Queries(copy, 0, dim);
    }

    int row(int r) {
        return offset + r * rowStride;
    }
}
