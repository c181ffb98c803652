package dev.vq4j.core;

/**
 * Geometry of a 2-D pooling window. Output size follows PyTorch, with {@code ceilMode} rounding
 * up (a window may not start inside the right/bottom padding). For average pooling
 * {@code countIncludePad} chooses whether padded zeros count in the divisor.
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                           boolean ceilMode, boolean countIncludePad) {

    public Pool2dParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1)
            throw new IllegalArgumentException("pool2d: kernel and stride must be >= 1");
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW)
            throw new IllegalArgumentException("pool2d: pad should be at most half of kernel size, but got pad="
                    + padH + "x" + padW + " and kernel=" + kernelH + "x" + kernelW);
    }

    public int outH(int inH) {
        return outSize(inH, kernelH, strideH, padH);
    }

    public int outW(int inW) {
        return outSize(inW, kernelW, strideW, padW);
    }

    private int outSize(int in, int k, int s, int p) {
        int num = in + 2 * p - k;
        int out = (ceilMode ? Math.ceilDiv(num, s) : Math.floorDiv(num, s)) + 1;
        if (ceilMode && (out - 1) * s >= in + p) out--;
        return out;
    }
}
