package dev.vq4j.autograd;

import dev.vq4j.core.DType;
import dev.vq4j.core.Shapes;

/**
 * softmax and log_softmax along one dim, numerically stable (the max along the dim is subtracted
 * before exponentiating). Both run the backend's fused last-dim kernel; another dim is first swapped
 * to the end with a transposed view. The backward runs the matching kernel:
 * softmax {@code dx = y * (g - sum(g * y))}, log_softmax {@code dx = g - exp(y) * sum(g)}.
 */
public final class Softmax {
    private Softmax() {}

    /** exp(x - m) / sum(exp(x - m)) along dim (negative dims count from the end). */
    public static Tensor softmax(Tensor x, int dim) {
        return along("softmax", x, Shapes.wrapDim("softmax", dim, x.dim()), false);
    }

    /** x - m - log(sum(exp(x - m))) along dim (negative dims count from the end). */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return along("log_softmax", x, Shapes.wrapDim("log_softmax", dim, x.dim()), true);
    }

    private static Tensor along(String op, Tensor x, int d, boolean log) {
        if (x.dim() == 0) return lastDim(op, x.reshape(1), log).reshape();
        int last = x.dim() - 1;
        if (d == last) return lastDim(op, x, log);
        return lastDim(op, x.transpose(d, last), log).transpose(d, last);
    }

    private static Tensor lastDim(String op, Tensor x, boolean log) {
        Tensor in = Elementwise.floatOperand(op, x);
        Tensor y = Tensor.emptyLike(in, DType.FLOAT32, in.shape());
        in.backend().softmax(in.kernelView(), y.kernelView(), log);
        return Autograd.record(op, y, new Tensor[] {x}, g -> {
            Tensor gx = Tensor.emptyLike(y, DType.FLOAT32, y.shape());
            y.backend().softmaxBackward(y.kernelView(), g.kernelView(), gx.kernelView(), log);
            return new Tensor[] {gx};
        });
    }
}
