package dev.vq4j.autograd;

/** Loss functions with PyTorch's reductions. */
public final class Losses {
    private Losses() {}

    public enum Reduction { MEAN, SUM, NONE }

    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        throw new UnsupportedOperationException("mse_loss: not implemented yet");
    }

    public static Tensor l1(Tensor input, Tensor target, Reduction reduction) {
        throw new UnsupportedOperationException("l1_loss: not implemented yet");
    }

    /** logits [N, C] or [N, C, d1, ...], target int64 class indices [N] or [N, d1, ...]; ignoreIndex as PyTorch (-100 default). */
    public static Tensor crossEntropy(Tensor logits, Tensor target, int ignoreIndex, Reduction reduction) {
        throw new UnsupportedOperationException("cross_entropy: not implemented yet");
    }

    public static Tensor bceWithLogits(Tensor logits, Tensor target, Reduction reduction) {
        throw new UnsupportedOperationException("binary_cross_entropy_with_logits: not implemented yet");
    }
}
