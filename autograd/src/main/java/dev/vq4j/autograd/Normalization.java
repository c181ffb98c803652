package dev.vq4j.autograd;

/** group_norm, layer_norm and batch_norm, as torch.nn.functional. */
public final class Normalization {
    private Normalization() {}

    /** x [N, C, ...]; weight, bias [C] or null. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        throw new UnsupportedOperationException("group_norm: not implemented yet");
    }

    /** Normalises over the trailing dims given by normalizedShape; weight, bias of that shape or null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        throw new UnsupportedOperationException("layer_norm: not implemented yet");
    }

    /**
     * x [N, C, ...]. In training, normalises with batch statistics and updates runningMean/runningVar
     * in place (unbiased variance, as PyTorch) when they are not null; in eval, uses them.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        throw new UnsupportedOperationException("batch_norm: not implemented yet");
    }
}
