package dev.vq4j.kernels.cpu;

import dev.vq4j.kernels.cpu.gemm.Panel;

/** The two ways a convolution's im2col matrix enters the packed GEMM, gathered panel by panel. */
final class ConvPanels {
    private ConvPanels() {}

    /** GEMM rows = positions, depth = taps, batch = image (forward's and inputGrad's B). */
    record PositionsByTaps(ConvGather g) implements Panel {
        @Override
        public void pack(int batch, int row0, int rows, int depth0, int depth, int width, float[] dst) {
            for (int s0 = 0, d = 0; s0 < rows; s0 += width, d += depth * width) {
                int valid = Math.min(width, rows - s0), q = row0 + s0;
                for (int p = 0; p < depth; p++) {
                    int at = d + p * width;
                    g.copy(batch, depth0 + p, q, valid, dst, at);
                    if (valid < width) java.util.Arrays.fill(dst, at + valid, at + width, 0f);
                }
            }
        }
    }

    /** GEMM rows = taps, depth = (image, position) pairs image-major (weightGrad's A and B). */
    record TapsByPositions(ConvGather g) implements Panel {
        @Override
        public void pack(int batch, int row0, int rows, int depth0, int depth, int width, float[] dst) {
            int positions = g.positions();
            for (int s0 = 0, d = 0; s0 < rows; s0 += width, d += depth * width) {
                int valid = Math.min(width, rows - s0);
                if (valid < width) java.util.Arrays.fill(dst, d, d + depth * width, 0f);
                for (int r = 0; r < valid; r++) {
                    int t = row0 + s0 + r;
                    for (int dd = 0; dd < depth; ) {
                        int idx = depth0 + dd, b = idx / positions, q = idx % positions;
                        int qb = Math.min(positions, q + depth - dd);
                        g.run(b, t, q, qb, dst, d + dd * width + r, width);
                        dd += qb - q;
                    }
                }
            }
        }
    }
}
