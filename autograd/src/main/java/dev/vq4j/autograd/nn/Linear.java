package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.LinearAlgebra;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/** y = x·Wᵀ + b, as torch.nn.Linear; weight [out, in], bias [out]; PyTorch's default initialisation. */
public class Linear extends Module {
    private final int inFeatures, outFeatures;
    private final Tensor weight, bias;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, Init.globalRng());
    }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Init.globalRng());
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures < 0 || outFeatures < 0)
            throw new IllegalArgumentException("Linear: features must be non-negative, got in=" + inFeatures + ", out=" + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Tensor.zeros(outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outFeatures)) : null;
        Init.defaultLinearOrConv(weight, this.bias, rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        return LinearAlgebra.linear(x, weight, bias);
    }

    public Tensor weight() { return weight; }
    /** The bias, or null when built without one. */
    public Tensor bias() { return bias; }
    public int inFeatures() { return inFeatures; }
    public int outFeatures() { return outFeatures; }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + Repr.bool(bias != null);
    }
}
