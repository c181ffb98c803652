package dev.vq4j.kernels.reference;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * Direct 2-D convolution and its two gradients, by the definition, over views with any strides.
 *
 * <p>With {@code G = groups}, {@code Cg = C/G}, {@code Og = O/G} and output channel {@code o} in
 * group {@code g = o / Og}, input channel {@code c = g*Cg + cl}, and the input row an output row
 * reads through kernel tap {@code i} being {@code ih = oh*strideH - padH + i*dilationH} (same for
 * columns), the three kernels are
 * <pre>
 *   forward     out[n,o,oh,ow]     = sum_{cl,i,j}   x[n,c,ih,iw] * w[o,cl,i,j]
 *   inputGrad   gradIn[n,c,h,v]    = sum_{o,i,j}    gradOut[n,o,oh,ow] * w[o,cl,i,j]   over (oh,ow) with (ih,iw) = (h,v)
 *   weightGrad  gradW[o,cl,i,j]    = sum_{n,oh,ow}  gradOut[n,o,oh,ow] * x[n,c,ih,iw]
 * </pre>
 * Taps that fall outside the input (padding) contribute zero. Every size is read from the views'
 * shapes: {@code Ho, Wo} from out/gradOut, {@code H, W} from x/gradIn, so inputGrad also serves as
 * conv_transpose2d, whose output may be larger than what the output covers (output_padding); the
 * positions no output reaches come out as 0.
 *
 * <p>Every kernel overwrites its whole output (callers need not zero it); each output element is
 * one double-precision sum computed by one task, so results do not depend on the thread count.
 */
final class ReferenceConv {
    private ReferenceConv() {}

    static void forward(View x, View w, View out, Conv2dParams p) {
        float[] X = floats(x), Wt = floats(w), Y = floats(out);
        int[] xs = x.strides(), ws = w.strides(), ys = out.strides();
        int n = out.shape()[0], oc = out.shape()[1], ho = out.shape()[2], wo = out.shape()[3];
        int h = x.shape()[2], wd = x.shape()[3];
        int cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
        int og = oc / p.groups();
        Parallel.forRange(n * oc, (long) ho * wo * cg * kh * kw, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oc, o = row % oc, c0 = (o / og) * cg;
                for (int y = 0; y < ho; y++) {
                    for (int z = 0; z < wo; z++) {
                        double acc = 0;
                        for (int cl = 0; cl < cg; cl++) {
                            int xBase = x.offset() + b * xs[0] + (c0 + cl) * xs[1];
                            int wBase = w.offset() + o * ws[0] + cl * ws[1];
                            for (int i = 0; i < kh; i++) {
                                int ih = y * p.strideH() - p.padH() + i * p.dilationH();
                                if (ih < 0 || ih >= h) continue;
                                for (int j = 0; j < kw; j++) {
                                    int iw = z * p.strideW() - p.padW() + j * p.dilationW();
                                    if (iw < 0 || iw >= wd) continue;
                                    acc += (double) X[xBase + ih * xs[2] + iw * xs[3]] * Wt[wBase + i * ws[2] + j * ws[3]];
                                }
                            }
                        }
                        Y[out.offset() + b * ys[0] + o * ys[1] + y * ys[2] + z * ys[3]] = (float) acc;
                    }
                }
            }
        });
    }

    static void inputGrad(View gradOut, View w, View gradIn, Conv2dParams p) {
        float[] G = floats(gradOut), Wt = floats(w), D = floats(gradIn);
        int[] gs = gradOut.strides(), ws = w.strides(), ds = gradIn.strides();
        int n = gradIn.shape()[0], c = gradIn.shape()[1], h = gradIn.shape()[2], wd = gradIn.shape()[3];
        int oc = gradOut.shape()[1], ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        int cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
        int og = oc / p.groups();
        Parallel.forRange(n * c, (long) h * wd * og * kh * kw, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / c, ci = row % c, g = ci / cg, cl = ci % cg;
                for (int y = 0; y < h; y++) {
                    for (int z = 0; z < wd; z++) {
                        double acc = 0;
                        for (int ol = 0; ol < og; ol++) {
                            int o = g * og + ol;
                            int gBase = gradOut.offset() + b * gs[0] + o * gs[1];
                            int wBase = w.offset() + o * ws[0] + cl * ws[1];
                            for (int i = 0; i < kh; i++) {
                                int oh = sourceIndex(y, i, p.strideH(), p.padH(), p.dilationH(), ho);
                                if (oh < 0) continue;
                                for (int j = 0; j < kw; j++) {
                                    int ow = sourceIndex(z, j, p.strideW(), p.padW(), p.dilationW(), wo);
                                    if (ow < 0) continue;
                                    acc += (double) G[gBase + oh * gs[2] + ow * gs[3]] * Wt[wBase + i * ws[2] + j * ws[3]];
                                }
                            }
                        }
                        D[gradIn.offset() + b * ds[0] + ci * ds[1] + y * ds[2] + z * ds[3]] = (float) acc;
                    }
                }
            }
        });
    }

    /** The output index whose tap {@code k} reads input index {@code in}, or -1 when there is none. */
    private static int sourceIndex(int in, int k, int stride, int pad, int dilation, int outSize) {
        int t = in + pad - k * dilation;
        if (t < 0 || t % stride != 0) return -1;
        int o = t / stride;
        return o < outSize ? o : -1;
    }

    static void weightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        float[] X = floats(x), G = floats(gradOut), D = floats(gradW);
        int[] xs = x.strides(), gs = gradOut.strides(), ds = gradW.strides();
        int n = x.shape()[0], h = x.shape()[2], wd = x.shape()[3];
        int ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        int oc = gradW.shape()[0], cg = gradW.shape()[1], kh = gradW.shape()[2], kw = gradW.shape()[3];
        int og = oc / p.groups();
        Parallel.forRange(oc * cg, (long) kh * kw * n * ho * wo, (from, to) -> {
            for (int row = from; row < to; row++) {
                int o = row / cg, cl = row % cg, ci = (o / og) * cg + cl;
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        double acc = 0;
                        for (int b = 0; b < n; b++) {
                            int xBase = x.offset() + b * xs[0] + ci * xs[1];
                            int gBase = gradOut.offset() + b * gs[0] + o * gs[1];
                            for (int y = 0; y < ho; y++) {
                                int ih = y * p.strideH() - p.padH() + i * p.dilationH();
                                if (ih < 0 || ih >= h) continue;
                                for (int z = 0; z < wo; z++) {
                                    int iw = z * p.strideW() - p.padW() + j * p.dilationW();
                                    if (iw < 0 || iw >= wd) continue;
                                    acc += (double) G[gBase + y * gs[2] + z * gs[3]] * X[xBase + ih * xs[2] + iw * xs[3]];
                                }
                            }
                        }
                        D[gradW.offset() + o * ds[0] + cl * ds[1] + i * ds[2] + j * ds[3]] = (float) acc;
                    }
                }
            }
        });
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }
}
