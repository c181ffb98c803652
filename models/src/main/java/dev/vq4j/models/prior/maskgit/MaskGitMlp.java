package dev.vq4j.models.prior.maskgit;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Dropout;
import dev.vq4j.autograd.nn.GELU;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Rng;

/**
 * A block's feed-forward branch: dropout(fc2(GELU(fc1(x)))) with the exact GELU x·Φ(x).
 * State dict: {@code fc1.weight} [hidden, D], {@code fc1.bias}, {@code fc2.weight} [D, hidden], {@code fc2.bias}.
 */
final class MaskGitMlp extends Module {
    private final Linear fc1, fc2;
    private final GELU act;
    private final Dropout drop;

    MaskGitMlp(int nEmbd, int hidden, float dropout, Rng rng) {
        this.fc1 = registerModule("fc1", new Linear(nEmbd, hidden, true, rng));
        this.act = registerModule("act", new GELU(false));
        this.fc2 = registerModule("fc2", new Linear(hidden, nEmbd, true, rng));
        this.drop = registerModule("drop", new Dropout(dropout, rng.split())); // no state-dict entries
    }

    @Override
    public Tensor forward(Tensor x) {
        return drop.forward(fc2.forward(act.forward(fc1.forward(x))));
    }
}
