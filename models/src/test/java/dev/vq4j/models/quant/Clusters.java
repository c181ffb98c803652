package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/** Gaussian blobs around k random centres, for k-means tests. */
final class Clusters {
    private Clusters() {}

    static Tensor sample(Rng rng, int k, int d, int n) {
        float[] centres = new float[k * d];
        for (int i = 0; i < centres.length; i++) centres[i] = (float) (4 * rng.nextGaussian());
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = (int) rng.nextLong(k);
            for (int e = 0; e < d; e++) x[i * d + e] = centres[c * d + e] + (float) (0.3 * rng.nextGaussian());
        }
        return Tensor.of(x, n, d);
    }
}
