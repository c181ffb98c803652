package dev.vq4j.autograd;

import dev.vq4j.core.Rng;

/** Inverted dropout: zeroes elements with probability p and scales the rest by 1/(1-p) in training. */
public final class Dropout {
    private Dropout() {}

    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        throw new UnsupportedOperationException("dropout: not implemented yet");
    }
}
