package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.nn.Embedding;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.core.Rng;

/** taming's {@code GPT._init_weights}: Linear and Embedding weights ~ N(0, 0.02²), biases 0 (LayerNorm's ones/zeros are its default). */
final class GptInit {
    static final double STD = 0.02;

    private GptInit() {}

    static Linear linear(Linear l, Rng rng) {
        Init.normal(l.weight(), 0, STD, rng);
        if (l.bias() != null) Init.zeros(l.bias());
        return l;
    }

    static Embedding embedding(Embedding e, Rng rng) {
        Init.normal(e.weight(), 0, STD, rng);
        return e;
    }
}
