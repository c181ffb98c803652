package dev.vq4j.kernels.reference;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * Nearest-codebook search, the definition (see {@code Backend.nearestCodes}): every query-code
 * distance computed exactly in double, then the {@code topK} smallest chosen by (distance, index).
 * <ul>
 *   <li>L2: {@code d(x, c) = sum_j (x_j - c_j)^2}.</li>
 *   <li>cosine: {@code d(x, c) = 1 - (x.c) / (max(||x||, 1e-12) * max(||c||, 1e-12))}, i.e.
 *       {@code 1 - xhat.chat} with F.normalize's eps.</li>
 * </ul>
 */
public final class ReferenceCodebookSearch {
    /** F.normalize's default eps: norms below it are clamped, so a zero vector stays zero. */
    public static final double NORMALIZE_EPS = 1e-12;

    private ReferenceCodebookSearch() {}

    public static void nearestCodes(View x, View codes, int topK, boolean cosine, View outIndices, View outDistances) {
        int n = x.shape()[0], dim = x.shape()[1], k = codes.shape()[0];
        float[] xs = ((HostBuffer) x.buffer()).floats(), cs = ((HostBuffer) codes.buffer()).floats();
        double[] codeNorms = new double[k];
        if (cosine) for (int c = 0; c < k; c++) codeNorms[c] = norm(cs, codes, c);
        Parallel.forRange(n, (long) k * dim, (from, to) -> {
            double[] dist = new double[k];
            int[] order = new int[topK];
            for (int q = from; q < to; q++) {
                double xNorm = cosine ? norm(xs, x, q) : 0;
                for (int c = 0; c < k; c++)
                    dist[c] = cosine ? cosineDistance(xs, x, q, xNorm, cs, codes, c, codeNorms[c]) : squaredL2(xs, x, q, cs, codes, c);
                selectSmallest(dist, topK, order);
                for (int j = 0; j < topK; j++) write(outIndices, outDistances, q, j, order[j], dist[order[j]]);
            }
        });
    }

    /** Fills {@code order} with the indices of the {@code order.length} smallest entries, ascending by (value, index). */
    static void selectSmallest(double[] dist, int topK, int[] order) {
        int filled = 0;
        for (int c = 0; c < dist.length; c++) {
            // an equal distance never displaces an earlier (lower) index
            if (filled == topK && !(dist[c] < dist[order[topK - 1]])) continue;
            int pos = Math.min(filled, topK - 1);
            while (pos > 0 && dist[c] < dist[order[pos - 1]]) {
                order[pos] = order[pos - 1];
                pos--;
            }
            order[pos] = c;
            if (filled < topK) filled++;
        }
    }

    /** Writes result {@code j} of query {@code q} through the output views' strides. */
    public static void write(View outIndices, View outDistances, int q, int j, long index, double distance) {
        ((HostBuffer) outIndices.buffer()).longs()[outIndices.offset() + q * outIndices.strides()[0] + j * outIndices.strides()[1]] = index;
        ((HostBuffer) outDistances.buffer()).floats()[outDistances.offset() + q * outDistances.strides()[0] + j * outDistances.strides()[1]] = (float) distance;
    }

    /** {@code ||row r of v||} in double. */
    public static double norm(float[] data, View v, int r) {
        int at = v.offset() + r * v.strides()[0], step = v.strides()[1], dim = v.shape()[1];
        double s = 0;
        for (int j = 0; j < dim; j++, at += step) s += (double) data[at] * data[at];
        return Math.sqrt(s);
    }

    /** {@code ||x[q] - c[k]||^2} in double. */
    public static double squaredL2(float[] xs, View x, int q, float[] cs, View codes, int c) {
        int xi = x.offset() + q * x.strides()[0], xStep = x.strides()[1];
        int ci = codes.offset() + c * codes.strides()[0], cStep = codes.strides()[1];
        double s = 0;
        for (int j = 0, dim = x.shape()[1]; j < dim; j++, xi += xStep, ci += cStep) {
            double d = (double) xs[xi] - cs[ci];
            s += d * d;
        }
        return s;
    }

    /** {@code 1 - x.c / (max(||x||, eps) max(||c||, eps))} in double, given both norms. */
    public static double cosineDistance(float[] xs, View x, int q, double xNorm, float[] cs, View codes, int c, double codeNorm) {
        int xi = x.offset() + q * x.strides()[0], xStep = x.strides()[1];
        int ci = codes.offset() + c * codes.strides()[0], cStep = codes.strides()[1];
        double dot = 0;
        for (int j = 0, dim = x.shape()[1]; j < dim; j++, xi += xStep, ci += cStep) dot += (double) xs[xi] * cs[ci];
        return 1 - dot / (Math.max(xNorm, NORMALIZE_EPS) * Math.max(codeNorm, NORMALIZE_EPS));
    }
}
