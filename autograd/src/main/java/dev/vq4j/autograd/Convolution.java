package dev.vq4j.autograd;

/**
 * 2-D convolution and transposed convolution (NCHW input, OIHW weight), as
 * torch.nn.functional.conv2d / conv_transpose2d, with stride, padding, dilation and groups.
 */
public final class Convolution {
    private Convolution() {}

    /**
     * x [N, C, H, W], w [O, C/groups, kh, kw], bias [O] or null -> [N, O, Ho, Wo].
     * stride, padding, dilation are {h, w} pairs.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        throw new UnsupportedOperationException("conv2d: not implemented yet");
    }

    /** Square stride and padding, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv2d(x, w, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /**
     * x [N, C, H, W], w [C, O/groups, kh, kw] (PyTorch's transposed layout), bias [O] or null ->
     * [N, O, (H-1)*s - 2p + d*(kh-1) + outputPadding + 1, ...].
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                         int groups, int[] dilation) {
        throw new UnsupportedOperationException("conv_transpose2d: not implemented yet");
    }

    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return convTranspose2d(x, w, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {0, 0}, 1, new int[] {1, 1});
    }
}
