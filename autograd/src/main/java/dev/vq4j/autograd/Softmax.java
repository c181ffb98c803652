package dev.vq4j.autograd;

/** softmax and log_softmax along one dim, numerically stable. */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor x, int dim) {
        throw new UnsupportedOperationException("softmax: not implemented yet");
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        throw new UnsupportedOperationException("log_softmax: not implemented yet");
    }
}
