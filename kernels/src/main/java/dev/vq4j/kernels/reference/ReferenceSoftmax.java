package dev.vq4j.kernels.reference;

import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.StridedLoop;

/**
 * softmax and log_softmax along the last dim, in double: {@code y_j = exp(x_j - m) / sum_k exp(x_k - m)}
 * with m the row maximum (log: {@code x_j - m - log sum_k exp(x_k - m)}).
 * Backward: softmax {@code g_j - ... = y_j (g_j - sum_k g_k y_k)}; log_softmax {@code g_j - exp(y_j) sum_k g_k}.
 */
public final class ReferenceSoftmax {
    private ReferenceSoftmax() {}

    public static void forward(View x, View out, boolean log) {
        float[] X = ((HostBuffer) x.buffer()).floats(), Y = ((HostBuffer) out.buffer()).floats();
        StridedLoop.forEachRow(out.shape(), new int[][] {x.strides(), out.strides()}, new int[] {x.offset(), out.offset()}, 16,
                (off, n, st) -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) max = Math.max(max, X[off[0] + j * st[0]]);
                    if (max == Double.NEGATIVE_INFINITY) max = 0; // all -inf: torch gives nan (softmax) / -inf - ... keep its arithmetic
                    double sum = 0;
                    for (int j = 0; j < n; j++) sum += Math.exp(X[off[0] + j * st[0]] - max);
                    double logSum = Math.log(sum);
                    for (int j = 0; j < n; j++) {
                        double s = X[off[0] + j * st[0]] - max;
                        Y[off[1] + j * st[1]] = (float) (log ? s - logSum : Math.exp(s) / sum);
                    }
                });
    }

    public static void backward(View y, View gradOut, View gradIn, boolean log) {
        float[] Y = ((HostBuffer) y.buffer()).floats(), G = ((HostBuffer) gradOut.buffer()).floats(), D = ((HostBuffer) gradIn.buffer()).floats();
        StridedLoop.forEachRow(gradIn.shape(), new int[][] {y.strides(), gradOut.strides(), gradIn.strides()},
                new int[] {y.offset(), gradOut.offset(), gradIn.offset()}, 8, (off, n, st) -> {
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        double g = G[off[1] + j * st[1]];
                        dot += log ? g : g * Y[off[0] + j * st[0]];
                    }
                    // y·(g − sum) in double: where one probability is near 1, g − sum cancels, and
                    // only the exact difference gives the gradient to float precision
                    for (int j = 0; j < n; j++) {
                        double yj = Y[off[0] + j * st[0]], g = G[off[1] + j * st[1]];
                        D[off[2] + j * st[2]] = (float) (log ? g - Math.exp(yj) * dot : yj * (g - dot));
                    }
                });
    }
}
