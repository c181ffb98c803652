package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/**
 * Lloyd's k-means for codebook initialisation: centroids start at k distinct random samples
 * (drawn from the Rng, with replacement only when there are fewer samples than k), then each
 * iteration assigns samples to the nearest centroid ({@link CodebookSearch}) and moves every
 * centroid to the mean of its samples; a centroid with no samples stays where it is.
 */
public final class KMeans {
    private KMeans() {}

    /** centroids [k·d] row-major and the sample count of each centroid after the last assignment. */
    public record Result(float[] centroids, long[] counts) {}

    public static Result fit(Tensor samples, int k, int iterations, Rng rng) {
        if (samples.dim() != 2 || samples.size(0) == 0)
            throw new IllegalArgumentException("kmeans: expected samples [M, D] with M > 0, got " + samples.shapeString());
        int m = samples.size(0), d = samples.size(1);
        float[] x = samples.contiguous().toFloatArray();
        float[] c = new float[k * d];
        int[] order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        for (int i = 0; i < Math.min(k, m); i++) { // partial Fisher-Yates: distinct starting samples
            int j = i + (int) rng.nextLong(m - i);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        for (int j = 0; j < k; j++) {
            int src = j < m ? order[j] : (int) rng.nextLong(m);
            System.arraycopy(x, src * d, c, j * d, d);
        }
        long[] counts = new long[k];
        for (int it = 0; it < Math.max(1, iterations); it++) {
            long[] assign = CodebookSearch.nearest(samples, Tensor.of(samples.device(), c, k, d)).toLongArray();
            double[] sums = new double[k * d];
            counts = new long[k];
            for (int i = 0; i < m; i++) {
                int a = (int) assign[i];
                counts[a]++;
                for (int e = 0; e < d; e++) sums[a * d + e] += x[i * d + e];
            }
            if (it >= iterations) break; // iterations == 0: counts only
            for (int j = 0; j < k; j++)
                if (counts[j] > 0) for (int e = 0; e < d; e++) c[j * d + e] = (float) (sums[j * d + e] / counts[j]);
        }
        return new Result(c, counts);
    }

    /** Mean squared distance of each sample to its nearest centroid. */
    public static double distortion(Tensor samples, Tensor centroids) {
        Tensor idx = CodebookSearch.nearest(samples, centroids);
        return samples.sub(centroids.indexSelect(0, idx)).square().mean().item();
    }

    static float[] normalizeRows(float[] c, int d) {
        float[] out = c.clone();
        for (int j = 0; j < c.length / d; j++) {
            double s = 0;
            for (int e = 0; e < d; e++) s += (double) c[j * d + e] * c[j * d + e];
            double n = Math.max(Math.sqrt(s), 1e-12);
            for (int e = 0; e < d; e++) out[j * d + e] = (float) (c[j * d + e] / n);
        }
        return out;
    }
}
