package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.cpu.gemm.GemmOut;
import dev.vq4j.kernels.cpu.gemm.Sgemm;
import dev.vq4j.kernels.cpu.gemm.StridedPanel;

/**
 * Input gradient for layers with few input channels per group (the 3→128 first layer), as a GEMM then
 * col2im instead of the gathered transposed convolution. With few input channels the gathered GEMM
 * has M = Cg (3) rows, so each gathered element feeds only 2·Cg FLOPs and the gather dominates
 * (1.25 s for B=8 3→128 @256²). Here, per image and group:
 * <pre>  T[(cl,i,j), p] = Σ_ol w[g·Og + ol, cl, i, j] · gradOut[g·Og + ol, p]      (GEMM: M = Cg·kh·kw, K = Og, N = Ho·Wo)
 *   gradIn[c, y, x] = Σ_{i,j} T[(cl,i,j), ((y + padH − i·dH)/sH, (x + padW − j·dW)/sW)]   (col2im, where divisible and in range)</pre>
 * gradOut is read in place (rows copied, no gather), and the col2im sums its kh·kw terms in (i, j)
 * order into a zeroed row: every element is computed by one task in a fixed order, so the result is
 * deterministic across runs and thread counts.
 */
final class ConvInputGradFewChannels {
    /** Input channels per group up to which this path beats the gathered transposed convolution. */
    static final int MAX_CHANNELS = 8;

    private ConvInputGradFewChannels() {}

    static void inputGrad(View gradOut, View w, View gradIn, Conv2dParams p) {
        int n = gradIn.shape()[0], c = gradIn.shape()[1], h = gradIn.shape()[2], wd = gradIn.shape()[3];
        int oc = gradOut.shape()[1], ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        int cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
        int groups = p.groups(), og = oc / groups, taps = cg * kh * kw, positions = ho * wo;
        if (n == 0 || c == 0 || h == 0 || wd == 0) return;
        float[] weights = CpuConv.packRows(w); // [O][Cg*kh*kw]
        int[] gs = gradOut.strides();
        int[][] outGrid = ConvGather.grid(ho, wo, 1, 0, 1, 0);
        int[] zeros = new int[og];
        float[] T = new float[taps * positions];
        float[] G = ((HostBuffer) gradOut.buffer()).floats();
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                if (positions > 0) {
                    int[] channel = new int[og];
                    for (int ol = 0; ol < og; ol++) channel[ol] = (g * og + ol) * gs[1];
                    ConvGather grad = new ConvGather(G, gradOut.offset() + b * gs[0], 0, gs[2], gs[3], ho, wo,
                            outGrid[0], outGrid[1], 1, channel, zeros, zeros);
                    Sgemm.multiply(1, taps, positions, og,
                            new StridedPanel(weights, g * og * taps, 0, 1, taps),
                            new ConvPanels.PositionsByTaps(grad),
                            GemmOut.strided(T, 0, 0, positions, 1), false);
                }
                col2im(T, gradIn, b, g * cg, cg, kh, kw, ho, wo, p);
            }
        }
    }

    /** gradIn[b, c0 + cl, y, x] = Σ_{i,j} T[(cl,i,j), source(y, x)], rows of (cl, y) split over threads. */
    private static void col2im(float[] T, View gradIn, int b, int c0, int cg, int kh, int kw, int ho, int wo, Conv2dParams p) {
        int h = gradIn.shape()[2], wd = gradIn.shape()[3], positions = ho * wo;
        int[] ds = gradIn.strides();
        float[] D = ((HostBuffer) gradIn.buffer()).floats();
        int base = gradIn.offset() + b * ds[0];
        int sh = p.strideH(), sw = p.strideW(), padH = p.padH(), padW = p.padW(), dh = p.dilationH(), dw = p.dilationW();
        Parallel.forRange(cg * h, (long) wd * kh * kw, (from, to) -> {
            float[] acc = new float[wd];
            for (int row = from; row < to; row++) {
                int cl = row / h, y = row % h;
                java.util.Arrays.fill(acc, 0f);
                for (int i = 0; i < kh; i++) {
                    int ty = y + padH - i * dh;
                    if (ty < 0 || ty % sh != 0 || ty / sh >= ho) continue;
                    for (int j = 0; j < kw; j++) {
                        int src = ((cl * kh + i) * kw + j) * positions + (ty / sh) * wo;
                        int shift = padW - j * dw; // output column numerator tx = x + shift
                        if (sw == 1) {
                            int xa = Math.max(0, -shift), xb = Math.min(wd, wo - shift);
                            for (int x = xa; x < xb; x++) acc[x] += T[src + x + shift];
                        } else {
                            for (int x = 0; x < wd; x++) {
                                int tx = x + shift;
                                if (tx >= 0 && tx % sw == 0 && tx / sw < wo) acc[x] += T[src + tx / sw];
                            }
                        }
                    }
                }
                int d = base + (c0 + cl) * ds[1] + y * ds[2];
                for (int x = 0; x < wd; x++) D[d + x * ds[3]] = acc[x];
            }
        });
    }
}
