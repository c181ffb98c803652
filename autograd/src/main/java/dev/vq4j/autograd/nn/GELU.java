package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Elementwise;
import dev.vq4j.autograd.Tensor;

/** x·Φ(x) (Hendrycks and Gimpel 2016), exact or with the tanh approximation, as torch.nn.GELU. */
public class GELU extends Module {
    private final boolean tanhApproximation;

    public GELU() {
        this(false);
    }

    public GELU(boolean tanhApproximation) {
        this.tanhApproximation = tanhApproximation;
    }

    @Override
    public Tensor forward(Tensor x) {
        return tanhApproximation ? Elementwise.geluTanh(x) : Elementwise.gelu(x);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + (tanhApproximation ? "tanh" : "none") + "'";
    }
}
