package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Normalization;
import dev.vq4j.autograd.Tensor;

import java.util.Arrays;

/** Layer normalisation (Ba et al. 2016) over the trailing normalizedShape dims, as torch.nn.LayerNorm. */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final float eps;
    private final Tensor weight, bias;

    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5f, true);
    }

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm: normalized_shape must have at least one dimension");
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        int lead = x.dim() - normalizedShape.length;
        if (lead < 0 || !Arrays.equals(Arrays.copyOfRange(x.shape(), lead, x.dim()), normalizedShape))
            throw new IllegalArgumentException("LayerNorm: input " + x.shapeString() + " does not end with normalized_shape " + Arrays.toString(normalizedShape));
        return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }
    public int[] normalizedShape() { return normalizedShape.clone(); }

    @Override
    protected String extraRepr() {
        return Repr.tuple(normalizedShape) + ", eps=" + Repr.pyFloat(eps) + ", elementwise_affine=" + Repr.bool(weight != null);
    }
}
