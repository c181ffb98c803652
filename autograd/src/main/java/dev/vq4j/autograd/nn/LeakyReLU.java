package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Elementwise;
import dev.vq4j.autograd.Tensor;

/** max(x, 0) + slope·min(x, 0), as torch.nn.LeakyReLU (default slope 0.01). */
public class LeakyReLU extends Module {
    private final float negativeSlope;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Elementwise.leakyRelu(x, negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + Repr.pyFloat(negativeSlope);
    }
}
