package dev.vq4j.autograd;

import dev.vq4j.core.Shapes;

/**
 * softmax and log_softmax along one dim, numerically stable: the max along the dim is subtracted
 * before exponentiating. Each has a direct backward built from differentiable ops.
 */
public final class Softmax {
    private Softmax() {}

    /** exp(x - m) / sum(exp(x - m)) along dim (negative dims count from the end). */
    public static Tensor softmax(Tensor x, int dim) {
        int d = Shapes.wrapDim("softmax", dim, x.dim());
        int[] dims = x.dim() == 0 ? new int[0] : new int[] {d};
        Tensor y;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor e = Elementwise.exp(Elementwise.sub(x, Reductions.amax(x, dims, true)));
            y = Elementwise.div(e, Reductions.sum(e, dims, true));
        }
        // dL/dx = y * (g - sum(g * y))
        return Autograd.record("softmax", y, new Tensor[] {x}, g -> new Tensor[] {
                Elementwise.mul(y, Elementwise.sub(g, Reductions.sum(Elementwise.mul(g, y), dims, true)))});
    }

    /** x - m - log(sum(exp(x - m))) along dim (negative dims count from the end). */
    public static Tensor logSoftmax(Tensor x, int dim) {
        int d = Shapes.wrapDim("log_softmax", dim, x.dim());
        int[] dims = x.dim() == 0 ? new int[0] : new int[] {d};
        Tensor y;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor shifted = Elementwise.sub(x, Reductions.amax(x, dims, true));
            y = Elementwise.sub(shifted, Elementwise.log(Reductions.sum(Elementwise.exp(shifted), dims, true)));
        }
        // dL/dx = g - exp(y) * sum(g)
        return Autograd.record("log_softmax", y, new Tensor[] {x}, g -> new Tensor[] {
                Elementwise.sub(g, Elementwise.mul(Elementwise.exp(y), Reductions.sum(g, dims, true)))});
    }
}
