package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Normalization;
import dev.vq4j.autograd.Tensor;

/** Group normalisation (Wu and He 2018), as torch.nn.GroupNorm: weight 1 and bias 0 of [C] when affine. */
public class GroupNorm extends Module {
    private final int numGroups, numChannels;
    private final float eps;
    private final Tensor weight, bias;

    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, 1e-5f, true);
    }

    public GroupNorm(int numGroups, int numChannels, float eps, boolean affine) {
        if (numGroups <= 0 || numChannels % numGroups != 0)
            throw new IllegalArgumentException("GroupNorm: num_channels (" + numChannels + ") must be divisible by num_groups (" + numGroups + ")");
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numChannels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numChannels)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() < 2 || x.size(1) != numChannels)
            throw new IllegalArgumentException("GroupNorm: expected input [N, " + numChannels + ", ...], got " + x.shapeString());
        return Normalization.groupNorm(x, numGroups, weight, bias, eps);
    }

    /** The scale, or null when not affine. */
    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }
    public int numGroups() { return numGroups; }
    public int numChannels() { return numChannels; }
    public float eps() { return eps; }

    @Override
    protected String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + Repr.pyFloat(eps) + ", affine=" + Repr.bool(weight != null);
    }
}
