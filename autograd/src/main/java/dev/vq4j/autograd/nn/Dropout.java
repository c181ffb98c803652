package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/**
 * Inverted dropout (Srivastava et al. 2014), as torch.nn.Dropout: in training, zeroes each element
 * with probability p and scales the rest by 1/(1-p); identity in eval. Draws its masks from its
 * own generator, given or split from {@link Init#globalRng()}, so runs are reproducible.
 */
public class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p) {
        this(p, Init.globalRng().split());
    }

    public Dropout(float p, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: probability has to be between 0 and 1, but got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        return dev.vq4j.autograd.Dropout.dropout(x, p, isTraining(), rng);
    }

    public float p() { return p; }

    /** The mask generator, e.g. to save its state ({@link Rng#state()}) in a checkpoint. */
    public Rng rng() { return rng; }

    @Override
    protected String extraRepr() {
        return "p=" + Repr.pyFloat(p) + ", inplace=False";
    }
}
