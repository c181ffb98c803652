package dev.vq4j.autograd;

import dev.vq4j.core.DType;

import java.util.Arrays;

/** Loss functions with PyTorch's reductions. */
public final class Losses {
    private Losses() {}

    public enum Reduction { MEAN, SUM, NONE }

    /** PyTorch's default ignore_index for cross_entropy. */
    public static final int IGNORE_INDEX = -100;

    /** (input - target)^2, reduced. Shapes must match (PyTorch would broadcast with a warning). */
    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("mse_loss", input, target);
        return reduce(Elementwise.square(Elementwise.sub(input, target)), reduction);
    }

    /** |input - target|, reduced; the gradient at input == target is 0, as PyTorch. */
    public static Tensor l1(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("l1_loss", input, target);
        return reduce(Elementwise.abs(Elementwise.sub(input, target)), reduction);
    }

    /** Mean cross entropy with ignore_index -100. */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * logits [N, C] or [N, C, d1, ...] (or unbatched [C]), target int64 class indices [N] or [N, d1, ...] (or []);
     * ignoreIndex as PyTorch (-100 default). Positions whose target is ignoreIndex contribute 0 and are left out
     * of the mean's denominator; when every position is ignored the mean is NaN, as PyTorch.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, int ignoreIndex, Reduction reduction) {
        if (target.dtype() != DType.INT64 && target.dtype() != DType.INT32)
            throw new IllegalArgumentException("cross_entropy: expected target of class indices with dtype int64, got "
                    + target.dtype().torchName() + " (probability targets are not supported)");
        if (logits.dim() == 0)
            throw new IllegalArgumentException("cross_entropy: expected logits of shape [N, C, ...] or [C], got a 0-dim tensor");
        if (logits.dim() == 1) { // unbatched
            if (target.dim() != 0)
                throw new IllegalArgumentException("cross_entropy: unbatched logits " + logits.shapeString() + " expect a 0-dim target, got " + target.shapeString());
            return crossEntropy(logits.unsqueeze(0), target.reshape(1), ignoreIndex, reduction == Reduction.NONE ? Reduction.SUM : reduction);
        }
        int[] ls = logits.shape();
        int[] expected = new int[ls.length - 1];
        expected[0] = ls[0];
        System.arraycopy(ls, 2, expected, 1, ls.length - 2);
        if (!Arrays.equals(target.shape(), expected))
            throw new IllegalArgumentException("cross_entropy: expected target of shape " + Arrays.toString(expected) + " for logits "
                    + logits.shapeString() + " ([N, C, d1, ...] -> [N, d1, ...]), got target " + target.shapeString());
        int classes = ls[1];
        // Validate the indices on the host; ignored positions gather class 0 and are masked out.
        long[] t = target.toLongArray();
        long[] safe = new long[t.length];
        float[] keep = new float[t.length];
        int kept = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == ignoreIndex) continue;
            if (t[i] < 0 || t[i] >= classes)
                throw new IndexOutOfBoundsException("cross_entropy: target " + t[i] + " is out of bounds for " + classes
                        + " classes (logits " + logits.shapeString() + ", target " + target.shapeString() + ", position " + i + ")");
            safe[i] = t[i];
            keep[i] = 1f;
            kept++;
        }
        Tensor index = Tensor.ofLongs(logits.device(), safe, insertOne(target.shape()));
        Tensor mask = Tensor.of(logits.device(), keep, target.shape());
        Tensor picked = Indexing.gather(Softmax.logSoftmax(logits, 1), 1, index).squeeze(1);
        Tensor nll = Elementwise.mul(Elementwise.neg(picked), mask);
        return switch (reduction) {
            case NONE -> nll;
            case SUM -> Reductions.sum(nll);
            // all ignored: NaN (0/0) forward with a zero gradient, as PyTorch
            case MEAN -> kept == 0 ? Elementwise.add(Elementwise.mul(Reductions.sum(nll), 0f), Float.NaN)
                    : Elementwise.mul(Reductions.sum(nll), 1f / kept);
        };
    }

    /**
     * Binary cross entropy on logits, stable form max(x, 0) - x t + log(1 + exp(-|x|)).
     * Gradients: d/dx = sigmoid(x) - t, d/dt = -x.
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor target, Reduction reduction) {
        if (!Arrays.equals(logits.shape(), target.shape()))
            throw new IllegalArgumentException("binary_cross_entropy_with_logits: target size " + target.shapeString()
                    + " must be the same as input size " + logits.shapeString());
        Tensor loss;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor softplusNegAbs = Elementwise.log(Elementwise.add(Elementwise.exp(Elementwise.neg(Elementwise.abs(logits))), 1f));
            loss = Elementwise.add(Elementwise.sub(Elementwise.relu(logits), Elementwise.mul(logits, target)), softplusNegAbs);
        }
        loss = Autograd.record("binary_cross_entropy_with_logits", loss, new Tensor[] {logits, target}, g -> new Tensor[] {
                logits.requiresGrad() ? Elementwise.mul(g, Elementwise.sub(Elementwise.sigmoid(logits), target)) : null,
                target.requiresGrad() ? Elementwise.neg(Elementwise.mul(g, logits)) : null});
        return reduce(loss, reduction);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static Tensor reduce(Tensor loss, Reduction reduction) {
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> Reductions.sum(loss);
            case MEAN -> Reductions.mean(loss);
        };
    }

    private static void checkSameShape(String op, Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape(), target.shape()))
            throw new IllegalArgumentException(op + ": target size " + target.shapeString() + " is different to the input size "
                    + input.shapeString() + " (broadcast explicitly if that is intended)");
    }

    /** shape with a size-1 dim inserted at position 1: [N, d1, ...] -> [N, 1, d1, ...]. */
    private static int[] insertOne(int[] shape) {
        int[] out = new int[shape.length + 1];
        out[0] = shape[0];
        out[1] = 1;
        System.arraycopy(shape, 1, out, 2, shape.length - 1);
        return out;
    }
}
