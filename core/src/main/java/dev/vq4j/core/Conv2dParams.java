package dev.vq4j.core;

/**
 * Geometry of a 2-D convolution, NCHW input and OIHW weight ([out, in/groups, kh, kw]).
 * Padding is symmetric; asymmetric padding (taming's (0,1,0,1)) is an explicit pad first.
 * Output size: {@code (in + 2*pad - dilation*(k-1) - 1) / stride + 1}.
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    public Conv2dParams {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("conv2d: stride must be >= 1");
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv2d: padding must be >= 0");
        if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("conv2d: dilation must be >= 1");
        if (groups < 1) throw new IllegalArgumentException("conv2d: groups must be >= 1");
    }

    public static Conv2dParams of(int stride, int padding) {
        return new Conv2dParams(stride, stride, padding, padding, 1, 1, 1);
    }

    public int outH(int inH, int kh) {
        return (inH + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    public int outW(int inW, int kw) {
        return (inW + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
    }
}
