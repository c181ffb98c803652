package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Normalization;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.GroupNorm;

/** The small pieces taming's model.py shares between encoder and decoder. */
final class Blocks {
    private Blocks() {}

    /** taming's Normalize: GroupNorm(32 groups, eps 1e-6, affine). */
    static GroupNorm normalize(int channels) {
        return new GroupNorm(32, channels, 1e-6f, true);
    }

    /**
     * taming's Normalize followed by its nonlinearity, swish(norm(x)) with swish x·σ(x), as one fused
     * group-norm + swish op (one pass forward and backward instead of three); the same function as
     * {@code norm.forward(x).silu()}, checked against PyTorch by GroupNormSwishParityTest and, in the
     * model, by the VQGAN parity tests.
     */
    static Tensor normSwish(GroupNorm norm, Tensor x) {
        return Normalization.groupNormSwish(x, norm.numGroups(), norm.weight(), norm.bias(), norm.eps());
    }

    /** 3×3 convolution, stride 1, padding 1, with bias. */
    static Conv2d conv3x3(int in, int out) {
        return new Conv2d(in, out, 3, 1, 1);
    }

    /** 1×1 convolution with bias. */
    static Conv2d conv1x1(int in, int out) {
        return new Conv2d(in, out, 1, 1, 0);
    }
}
