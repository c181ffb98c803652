package dev.vq4j.kernels.reference;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * Max and average pooling over the last two dims (planes = all leading dims, N*C for NCHW), with
 * PyTorch's window rules: window {@code [o*s - p, o*s - p + k)} clipped to the input; for average
 * pooling the divisor is the window clipped to the padded input (count_include_pad) or to the input.
 * One task per range of planes, so every output element is written by exactly one task.
 */
final class ReferencePool {
    private ReferencePool() {}

    static void maxPool2d(View x, View out, View indices, Pool2dParams p) {
        int r = x.rank();
        int inH = x.shape()[r - 2], inW = x.shape()[r - 1];
        int outH = out.shape()[r - 2], outW = out.shape()[r - 1];
        int xsH = x.strides()[r - 2], xsW = x.strides()[r - 1];
        int osH = out.strides()[r - 2], osW = out.strides()[r - 1];
        int isH = indices.strides()[r - 2], isW = indices.strides()[r - 1];
        float[] src = ((HostBuffer) x.buffer()).floats(), dst = ((HostBuffer) out.buffer()).floats();
        long[] idx = ((HostBuffer) indices.buffer()).longs();
        int planes = Planes.count(x, 2);
        Parallel.forRange(planes, (long) outH * outW * p.kernelH() * p.kernelW(), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int xb = Planes.offset(x, plane, 2), ob = Planes.offset(out, plane, 2), ib = Planes.offset(indices, plane, 2);
                for (int oh = 0; oh < outH; oh++) {
                    int h0 = oh * p.strideH() - p.padH();
                    int h1 = Math.min(h0 + p.kernelH(), inH);
                    h0 = Math.max(h0, 0);
                    for (int ow = 0; ow < outW; ow++) {
                        int w0 = ow * p.strideW() - p.padW();
                        int w1 = Math.min(w0 + p.kernelW(), inW);
                        w0 = Math.max(w0, 0);
                        float best = Float.NEGATIVE_INFINITY;
                        long bestAt = (long) h0 * inW + w0;
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                float v = src[xb + ih * xsH + iw * xsW];
                                // as ATen: a NaN always takes over (the last NaN wins), nothing beats a NaN
                                if (v > best || Float.isNaN(v)) {
                                    best = v;
                                    bestAt = (long) ih * inW + iw;
                                }
                            }
                        }
                        dst[ob + oh * osH + ow * osW] = best;
                        idx[ib + oh * isH + ow * isW] = bestAt;
                    }
                }
            }
        });
    }

    static void avgPool2d(View x, View out, Pool2dParams p) {
        int r = x.rank();
        int inH = x.shape()[r - 2], inW = x.shape()[r - 1];
        int outH = out.shape()[r - 2], outW = out.shape()[r - 1];
        int xsH = x.strides()[r - 2], xsW = x.strides()[r - 1];
        int osH = out.strides()[r - 2], osW = out.strides()[r - 1];
        float[] src = ((HostBuffer) x.buffer()).floats(), dst = ((HostBuffer) out.buffer()).floats();
        int[] divH = divisors(outH, inH, p.kernelH(), p.strideH(), p.padH(), p.countIncludePad());
        int[] divW = divisors(outW, inW, p.kernelW(), p.strideW(), p.padW(), p.countIncludePad());
        int planes = Planes.count(x, 2);
        Parallel.forRange(planes, (long) outH * outW * p.kernelH() * p.kernelW(), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int xb = Planes.offset(x, plane, 2), ob = Planes.offset(out, plane, 2);
                for (int oh = 0; oh < outH; oh++) {
                    int h0 = Math.max(oh * p.strideH() - p.padH(), 0);
                    int h1 = Math.min(oh * p.strideH() - p.padH() + p.kernelH(), inH);
                    for (int ow = 0; ow < outW; ow++) {
                        int w0 = Math.max(ow * p.strideW() - p.padW(), 0);
                        int w1 = Math.min(ow * p.strideW() - p.padW() + p.kernelW(), inW);
                        float value = 0f;
                        if (h0 < h1 && w0 < w1) {
                            double sum = 0;
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = w0; iw < w1; iw++) sum += src[xb + ih * xsH + iw * xsW];
                            value = (float) (sum / ((long) divH[oh] * divW[ow]));
                        }
                        dst[ob + oh * osH + ow * osW] = value;
                    }
                }
            }
        });
    }

    /**
     * Writes gradIn (any previous content is overwritten). Gathers, for each input element, the
     * outputs whose windows contain it: o in [floor((i+p-k)/s)+1, floor((i+p)/s)].
     */
    static void avgPool2dBackward(View gradOut, View gradIn, Pool2dParams p) {
        int r = gradIn.rank();
        int inH = gradIn.shape()[r - 2], inW = gradIn.shape()[r - 1];
        int outH = gradOut.shape()[r - 2], outW = gradOut.shape()[r - 1];
        int gsH = gradOut.strides()[r - 2], gsW = gradOut.strides()[r - 1];
        int isH = gradIn.strides()[r - 2], isW = gradIn.strides()[r - 1];
        float[] g = ((HostBuffer) gradOut.buffer()).floats(), dst = ((HostBuffer) gradIn.buffer()).floats();
        int[] divH = divisors(outH, inH, p.kernelH(), p.strideH(), p.padH(), p.countIncludePad());
        int[] divW = divisors(outW, inW, p.kernelW(), p.strideW(), p.padW(), p.countIncludePad());
        int planes = Planes.count(gradIn, 2);
        long work = (long) inH * inW * Math.ceilDiv(p.kernelH(), p.strideH()) * Math.ceilDiv(p.kernelW(), p.strideW());
        Parallel.forRange(planes, work, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int gb = Planes.offset(gradOut, plane, 2), ib = Planes.offset(gradIn, plane, 2);
                for (int ih = 0; ih < inH; ih++) {
                    int oh0 = Math.max(Math.floorDiv(ih + p.padH() - p.kernelH(), p.strideH()) + 1, 0);
                    int oh1 = Math.min(Math.floorDiv(ih + p.padH(), p.strideH()), outH - 1);
                    for (int iw = 0; iw < inW; iw++) {
                        int ow0 = Math.max(Math.floorDiv(iw + p.padW() - p.kernelW(), p.strideW()) + 1, 0);
                        int ow1 = Math.min(Math.floorDiv(iw + p.padW(), p.strideW()), outW - 1);
                        double sum = 0;
                        for (int oh = oh0; oh <= oh1; oh++)
                            for (int ow = ow0; ow <= ow1; ow++)
                                sum += g[gb + oh * gsH + ow * gsW] / (double) ((long) divH[oh] * divW[ow]);
                        dst[ib + ih * isH + iw * isW] = (float) sum;
                    }
                }
            }
        });
    }

    /**
     * The per-axis factor of each output's divisor (the 2-D divisor is the product of the two
     * axes'): the window clipped to the padded input when counting padding, else to the input.
     */
    private static int[] divisors(int outSize, int inSize, int k, int s, int pad, boolean countIncludePad) {
        int[] div = new int[outSize];
        for (int o = 0; o < outSize; o++) {
            int start = o * s - pad;
            int end = Math.min(start + k, inSize + pad);
            div[o] = countIncludePad ? end - start : Math.min(end, inSize) - Math.max(start, 0);
        }
        return div;
    }
}
