package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.cpu.gemm.GemmOut;
import dev.vq4j.kernels.cpu.gemm.Sgemm;
import dev.vq4j.kernels.cpu.gemm.StridedPanel;

import java.util.ArrayList;
import java.util.List;

/**
 * The cpu backend's 2-D convolution kernels as implicit GEMMs on the packed {@link Sgemm}: the im2col
 * matrix is never written whole; {@link ConvGather} copies exactly the KC×NR panels the GEMM is
 * about to use, so the data lives in L1/L2 once and the FMA micro-kernel does the work. Same meaning
 * as {@code ReferenceConv} (read its comment for the formulas). With taps {@code k = (cl, i, j)} and
 * positions {@code p = (oh, ow)}, per group:
 * <ul>
 *   <li>forward, per image: {@code out[o, p] = W[o, k] · col[k, p]} (M = O/G, N = Ho·Wo, K = Cg·kh·kw).</li>
 *   <li>inputGrad, per image: the transposed convolution, gathered per input position (nothing is
 *       scattered). Input positions are split by their phase {@code (h mod strideH, w mod strideW)}:
 *       within a phase the taps that reach an output are the same for every position, so no work is
 *       spent on the zeros a stride would insert. Per phase {@code gradIn[c, q] = W'[c, t] · G[t, q]}
 *       with taps {@code t = (ol, i, j)} of that phase.</li>
 *   <li>weightGrad: {@code gradW[o, k] = G[o, (n, p)] · col[k, (n, p)]ᵀ}: the images and positions
 *       are the GEMM's depth (M = O/G, N = Cg·kh·kw, K = N·Ho·Wo). Few-channel convs go to
 *       {@link ConvWeightGradRows}, stride-1 convs on large maps to {@link ConvWeightGradChannelsLast}.</li>
 * </ul>
 * Sums are float FMA chains in a fixed order (as in any SGEMM; within OpCheck's 1e-4 for convs), every
 * output element is produced by exactly one task: bit-identical from run to run and across thread counts.
 */
final class CpuConv {
    private CpuConv() {}

    // ---- forward ---------------------------------------------------------------------------------

    static void forward(View x, View w, View out, Conv2dParams p) {
        int n = out.shape()[0], oc = out.shape()[1], ho = out.shape()[2], wo = out.shape()[3];
        int cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
        int groups = p.groups(), og = oc / groups, taps = cg * kh * kw, positions = ho * wo;
        if (n == 0 || oc == 0 || positions == 0) return;
        // [O][Cg*kh*kw] rows: the weight itself when contiguous (no copy), else a packed copy
        float[] packed = w.isContiguous() ? floats(w) : packRows(w);
        int w0 = w.isContiguous() ? w.offset() : 0;
        int[] xs = x.strides(), ys = out.strides();
        int[][] grid = ConvGather.grid(ho, wo, p.strideH(), -p.padH(), p.strideW(), -p.padW());
        int[] outColumns = columns(ho, wo, ys[2], ys[3]);
        for (int g = 0; g < groups; g++) {
            ConvGather col = imageTaps(x, g * cg, cg, kh, kw, p, grid);
            Sgemm.multiply(n, og, positions, taps,
                    new StridedPanel(packed, w0 + g * og * taps, 0, taps, 1),
                    new ConvPanels.PositionsByTaps(col),
                    GemmOut.columns(floats(out), out.offset() + g * og * ys[1], ys[0], ys[1], outColumns), false);
        }
    }

    /** im2col of x over the given positions, taps {@code (cl, i, j)} of input channels {@code c0 ..< c0+cg}. */
    private static ConvGather imageTaps(View x, int c0, int cg, int kh, int kw, Conv2dParams p, int[][] grid) {
        int[] xs = x.strides();
        int taps = cg * kh * kw;
        int[] channel = new int[taps], dy = new int[taps], dx = new int[taps];
        for (int t = 0; t < taps; t++) {
            int cl = t / (kh * kw), i = (t / kw) % kh, j = t % kw;
            channel[t] = (c0 + cl) * xs[1];
            dy[t] = i * p.dilationH();
            dx[t] = j * p.dilationW();
        }
        return new ConvGather(floats(x), x.offset(), xs[0], xs[2], xs[3], x.shape()[2], x.shape()[3],
                grid[0], grid[1], p.strideW(), channel, dy, dx);
    }

    // ---- input gradient (= conv_transpose2d forward) ----------------------------------------------

    /**
     * Taps {@code i} with {@code (phase + pad - i*dilation) ≡ 0 (mod stride)}: for input index
     * {@code phase + a*stride} they read output index {@code a + shift}.
     */
    private static int[][] phaseTaps(int phase, int k, int stride, int pad, int dilation) {
        int count = 0;
        int[] taps = new int[k], shifts = new int[k];
        for (int i = 0; i < k; i++) {
            int t = phase + pad - i * dilation;
            if (Math.floorMod(t, stride) == 0) {
                taps[count] = i;
                shifts[count++] = Math.floorDiv(t, stride);
            }
        }
        return new int[][] {java.util.Arrays.copyOf(taps, count), java.util.Arrays.copyOf(shifts, count)};
    }

    static void inputGrad(View gradOut, View w, View gradIn, Conv2dParams p) {
        int n = gradIn.shape()[0], c = gradIn.shape()[1], h = gradIn.shape()[2], wd = gradIn.shape()[3];
        int oc = gradOut.shape()[1], ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        int cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
        int groups = p.groups(), og = oc / groups;
        if (n == 0 || c == 0 || h == 0 || wd == 0) return;
        if (cg <= ConvInputGradFewChannels.MAX_CHANNELS) {
            ConvInputGradFewChannels.inputGrad(gradOut, w, gradIn, p);
            return;
        }
        int[] gs = gradOut.strides(), ds = gradIn.strides(), ws = w.strides();
        float[] W = floats(w);
        for (int ph = 0; ph < Math.min(p.strideH(), h); ph++) {
            int[][] th = phaseTaps(ph, kh, p.strideH(), p.padH(), p.dilationH());
            int rows = ceilDiv(h - ph, p.strideH());
            for (int pv = 0; pv < Math.min(p.strideW(), wd); pv++) {
                int[][] tw = phaseTaps(pv, kw, p.strideW(), p.padW(), p.dilationW());
                int cols = ceilDiv(wd - pv, p.strideW());
                int taps = og * th[0].length * tw[0].length;
                // positions of the phase: input (ph + a*strideH, pv + b*strideW) reads gradOut (a + shiftH, b + shiftW)
                int[][] grid = ConvGather.grid(rows, cols, 1, 0, 1, 0);
                int[] inColumns = new int[rows * cols];
                for (int q = 0; q < inColumns.length; q++)
                    inColumns[q] = (ph + (q / cols) * p.strideH()) * ds[2] + (pv + (q % cols) * p.strideW()) * ds[3];
                // W'[c, t] = w[g*Og + ol, cl, tapH[a], tapW[e]] for t = (ol, a, e)
                float[] weights = new float[c * taps];
                int tapsF = taps;
                // a transposing copy of the whole weight (9.4 MB at 512→512): blocks of channels over the threads
                Parallel.forRange(c, (long) taps, (from, to) -> {
                    for (int ci = from; ci < to; ci++) {
                        int g = ci / cg, cl = ci % cg, t = ci * tapsF;
                        for (int ol = 0; ol < og; ol++) {
                            int base = w.offset() + (g * og + ol) * ws[0] + cl * ws[1];
                            for (int a : th[0])
                                for (int e : tw[0]) weights[t++] = W[base + a * ws[2] + e * ws[3]];
                        }
                    }
                });
                for (int g = 0; g < groups; g++) {
                    int[] channel = new int[taps], dy = new int[taps], dx = new int[taps];
                    int t = 0;
                    for (int ol = 0; ol < og; ol++)
                        for (int a = 0; a < th[1].length; a++)
                            for (int e = 0; e < tw[1].length; e++, t++) {
                                channel[t] = (g * og + ol) * gs[1];
                                dy[t] = th[1][a];
                                dx[t] = tw[1][e];
                            }
                    ConvGather col = new ConvGather(floats(gradOut), gradOut.offset(), gs[0], gs[2], gs[3], ho, wo,
                            grid[0], grid[1], 1, channel, dy, dx);
                    Sgemm.multiply(n, cg, rows * cols, taps,
                            new StridedPanel(weights, g * cg * taps, 0, taps, 1),
                            new ConvPanels.PositionsByTaps(col),
                            GemmOut.columns(floats(gradIn), gradIn.offset() + g * cg * ds[1], ds[0], ds[1], inColumns), false);
                }
            }
        }
    }

    // ---- weight gradient -------------------------------------------------------------------------

    /** Each weight-gradient tile gathers and transposes its whole A (gradOut) and B (im2col) rows: keep tiles few. */
    static int WEIGHT_GRAD_TILES_PER_THREAD = Integer.getInteger("vq4j.convWgradTiles", 1);

    static void weightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        int n = x.shape()[0];
        int ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        int oc = gradW.shape()[0], cg = gradW.shape()[1], kh = gradW.shape()[2], kw = gradW.shape()[3];
        int groups = p.groups(), og = oc / groups, taps = cg * kh * kw, positions = ho * wo;
        if (oc == 0 || taps == 0) return;
        if (n > 0 && ConvWeightGradRows.applies(x, gradOut, gradW, p)) {
            ConvWeightGradRows.weightGrad(x, gradOut, gradW, p);
            return;
        }
        if (ConvWeightGradChannelsLast.applies(gradOut, gradW, p)) {
            ConvWeightGradChannelsLast.weightGrad(x, gradOut, gradW, p);
            return;
        }
        int[] gs = gradOut.strides(), ds = gradW.strides();
        int[][] grid = ConvGather.grid(ho, wo, p.strideH(), -p.padH(), p.strideW(), -p.padW());
        int[][] outGrid = ConvGather.grid(ho, wo, 1, 0, 1, 0);
        int[] tapColumns = new int[taps];
        for (int t = 0; t < taps; t++) tapColumns[t] = (t / (kh * kw)) * ds[1] + ((t / kw) % kh) * ds[2] + (t % kw) * ds[3];
        int[] zeros = new int[og];
        for (int g = 0; g < groups; g++) {
            ConvGather col = imageTaps(x, g * cg, cg, kh, kw, p, grid);
            int[] channel = new int[og];
            for (int ol = 0; ol < og; ol++) channel[ol] = (g * og + ol) * gs[1];
            ConvGather grad = new ConvGather(floats(gradOut), gradOut.offset(), gs[0], gs[2], gs[3], ho, wo,
                    outGrid[0], outGrid[1], 1, channel, zeros, zeros);
            Sgemm.multiply(1, og, taps, n * positions,
                    new ConvPanels.TapsByPositions(grad),
                    new ConvPanels.TapsByPositions(col),
                    GemmOut.columns(floats(gradW), gradW.offset() + g * og * ds[0], 0, ds[0], tapColumns), false,
                    WEIGHT_GRAD_TILES_PER_THREAD);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Offsets {@code oh*sh + ow*sw} of an ho×wo grid, row-major. */
    private static int[] columns(int ho, int wo, int sh, int sw) {
        int[] c = new int[ho * wo];
        for (int q = 0; q < c.length; q++) c[q] = (q / wo) * sh + (q % wo) * sw;
        return c;
    }

    /** The weight [O, Cg, kh, kw] (any strides) as contiguous rows of Cg*kh*kw. */
    static float[] packRows(View w) {
        int[] s = w.shape(), st = w.strides();
        float[] W = floats(w), packed = new float[s[0] * s[1] * s[2] * s[3]];
        int t = 0;
        for (int o = 0; o < s[0]; o++)
            for (int c = 0; c < s[1]; c++)
                for (int i = 0; i < s[2]; i++)
                    for (int j = 0; j < s[3]; j++) packed[t++] = W[w.offset() + o * st[0] + c * st[1] + i * st[2] + j * st[3]];
        return packed;
    }

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }
}
