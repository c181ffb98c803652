package dev.vq4j.autograd;

import dev.vq4j.core.Rng;

/** Inverted dropout: zeroes elements with probability p and scales the rest by 1/(1-p) in training. */
public final class Dropout {
    private Dropout() {}

    /**
     * In training, each element is kept with probability 1 - p (one {@code rng.nextFloat()} per element,
     * in row-major order) and scaled by 1/(1-p); the gradient is multiplied by the same mask and scale.
     * Returns x itself when not training or p == 0, and zeros (with a zero gradient) when p == 1.
     */
    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        if (!(p >= 0f && p <= 1f))
            throw new IllegalArgumentException("dropout: dropout probability has to be between 0 and 1, but got " + p);
        if (!training || p == 0f) return x;
        if (p == 1f) return Elementwise.mul(x, 0f);
        float scale = 1f / (1f - p);
        float[] mask = new float[x.numel()];
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < p ? 0f : scale;
        return Elementwise.mul(x, Tensor.of(x.device(), mask, x.shape()));
    }
}
