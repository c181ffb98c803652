package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Rng;

/**
 * The code vectors, {@code weight} [K, D], initialised U(−1/K, 1/K) as taming-transformers. A
 * parameter when trained by gradients, a buffer when updated by moving averages (EMA), so the
 * state-dict key is {@code embedding.weight} either way.
 */
final class Codebook extends Module {
    final Tensor weight;

    Codebook(int size, int dim, boolean trainable, Rng rng) {
        Tensor w = Tensor.zeros(size, dim);
        Init.uniform(w, -1.0 / size, 1.0 / size, rng);
        weight = trainable ? registerParameter("weight", w) : registerBuffer("weight", w);
    }

    @Override
    protected String extraRepr() {
        return weight.size(0) + ", " + weight.size(1);
    }
}
