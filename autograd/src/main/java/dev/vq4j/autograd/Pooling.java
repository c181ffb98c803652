package dev.vq4j.autograd;

/** max_pool2d and avg_pool2d over NCHW (or CHW) input, as torch.nn.functional. */
public final class Pooling {
    private Pooling() {}

    /** kernel, stride, padding are {h, w}; stride null means stride = kernel. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
        throw new UnsupportedOperationException("max_pool2d: not implemented yet");
    }

    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        throw new UnsupportedOperationException("avg_pool2d: not implemented yet");
    }
}
