package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * The cpu backend's 2-D convolution kernels: im2col tiles feeding a blocked matrix product, with the
 * same meaning as {@code ReferenceConv} (read its comment for the formulas). Plain Java loops; the
 * innermost loop of every product is an axpy over a contiguous tile, which the JIT vectorises.
 *
 * <ul>
 *   <li>forward: per (image, tile of output positions), {@code out[o, p] = W[o, k] . col[k, p]}
 *       with {@code k = (c, i, j)}.</li>
 *   <li>inputGrad: the transposed convolution, gathered per input position (so each element is
 *       written once and nothing is scattered). Input positions are split by their phase
 *       {@code (h mod strideH, w mod strideW)}: within a phase the taps that land on an output are the
 *       same for every position, so no work is spent on the zeros a stride would insert.</li>
 *   <li>weightGrad: per (out-channel block, tap block), {@code gradW[o, k] = sum_{n,p} gradOut[n, o, p] * col[p, k]}.</li>
 * </ul>
 * Sums accumulate in double, so results agree with the reference to float rounding. Every output
 * element is produced by exactly one task in a fixed order: bit-identical from run to run.
 */
final class CpuConv {
    /** Output positions per im2col tile: the tile (taps x positions floats) should sit in L2. */
    private static final int POSITIONS = 128;
    /** Weight-gradient tile: out channels x taps accumulated per task. */
    private static final int OUT_BLOCK = 16, TAP_BLOCK = 128;

    private CpuConv() {}

    // ---- forward ---------------------------------------------------------------------------------

    static void forward(View x, View w, View out, Conv2dParams p) {
        int n = out.shape()[0], oc = out.shape()[1], ho = out.shape()[2], wo = out.shape()[3];
        int cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
        int groups = p.groups(), og = oc / groups, taps = cg * kh * kw;
        int positions = ho * wo;
        if (n == 0 || oc == 0 || positions == 0) return;
        float[] X = floats(x), Y = floats(out);
        float[] packed = packRows(w); // [O][Cg*kh*kw]
        int tiles = ceilDiv(positions, POSITIONS);
        int[] ys = out.strides();
        Parallel.forRange(n * tiles, (long) oc * taps * Math.min(positions, POSITIONS), (from, to) -> {
            float[] col = new float[taps * POSITIONS];
            double[] acc = new double[POSITIONS];
            int[] outOffset = new int[POSITIONS];
            for (int item = from; item < to; item++) {
                int b = item / tiles, p0 = (item % tiles) * POSITIONS, len = Math.min(POSITIONS, positions - p0);
                for (int q = 0; q < len; q++) outOffset[q] = ((p0 + q) / wo) * ys[2] + ((p0 + q) % wo) * ys[3];
                for (int g = 0; g < groups; g++) {
                    im2col(X, x, b, g * cg, cg, kh, kw, p, wo, p0, len, col);
                    for (int o = g * og; o < (g + 1) * og; o++) {
                        java.util.Arrays.fill(acc, 0, len, 0.0);
                        int wRow = o * taps;
                        for (int k = 0; k < taps; k++) axpy(acc, 0, packed[wRow + k], col, k * len, len);
                        int base = out.offset() + b * ys[0] + o * ys[1];
                        for (int q = 0; q < len; q++) Y[base + outOffset[q]] = (float) acc[q];
                    }
                }
            }
        });
    }

    /**
     * {@code col[k*len + q] = x[b, c0+c, ih, iw]} (0 in the padding) for tap {@code k = (c, i, j)} and
     * output position {@code p0+q}.
     */
    private static void im2col(float[] X, View x, int b, int c0, int cg, int kh, int kw, Conv2dParams p,
                               int wo, int p0, int len, float[] col) {
        int[] xs = x.strides();
        int h = x.shape()[2], wd = x.shape()[3];
        int k = 0;
        for (int c = 0; c < cg; c++) {
            int base = x.offset() + b * xs[0] + (c0 + c) * xs[1];
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, k++) {
                    int dst = k * len, oh = p0 / wo, ow = p0 % wo;
                    int di = i * p.dilationH() - p.padH(), dj = j * p.dilationW() - p.padW();
                    for (int q = 0; q < len; q++) {
                        int ih = oh * p.strideH() + di, iw = ow * p.strideW() + dj;
                        col[dst + q] = ih >= 0 && ih < h && iw >= 0 && iw < wd ? X[base + ih * xs[2] + iw * xs[3]] : 0f;
                        if (++ow == wo) {
                            ow = 0;
                            oh++;
                        }
                    }
                }
            }
        }
    }

    // ---- input gradient (= conv_transpose2d forward) ----------------------------------------------

    /** One phase of the input grid: rows {@code h = ph + a*strideH}, columns {@code v = pv + b*strideW}. */
    private record Phase(int ph, int pv, int rows, int cols, int[] tapsH, int[] shiftH, int[] tapsW, int[] shiftW) {
        int positions() {
            return rows * cols;
        }
    }

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
        int groups = p.groups(), og = oc / groups, ohw = kh * kw;
        if (n == 0 || c == 0 || h == 0 || wd == 0) return;
        float[] G = floats(gradOut), D = floats(gradIn);
        float[] packed = packTransposed(w, groups); // [C][Og*kh*kw]: w[g*Og+ol, cl, i, j] at row g*Cg+cl, column (ol*kh+i)*kw+j
        int rowLength = og * ohw;

        java.util.List<Phase> phases = new java.util.ArrayList<>();
        for (int ph = 0; ph < Math.min(p.strideH(), h); ph++) {
            int[][] th = phaseTaps(ph, kh, p.strideH(), p.padH(), p.dilationH());
            for (int pv = 0; pv < Math.min(p.strideW(), wd); pv++) {
                int[][] tw = phaseTaps(pv, kw, p.strideW(), p.padW(), p.dilationW());
                phases.add(new Phase(ph, pv, ceilDiv(h - ph, p.strideH()), ceilDiv(wd - pv, p.strideW()), th[0], th[1], tw[0], tw[1]));
            }
        }
        // work items of one image: (phase, tile of that phase's positions)
        java.util.List<int[]> tilesOfImage = new java.util.ArrayList<>();
        for (int ph = 0; ph < phases.size(); ph++)
            for (int q0 = 0; q0 < phases.get(ph).positions(); q0 += POSITIONS) tilesOfImage.add(new int[] {ph, q0});
        int perImage = tilesOfImage.size();
        int maxTaps = og * kh * kw;
        int[] gs = gradOut.strides(), ds = gradIn.strides();

        Parallel.forRange(n * perImage, (long) c * og * ohw * POSITIONS / ((long) p.strideH() * p.strideW()), (from, to) -> {
            float[] col = new float[maxTaps * POSITIONS];
            double[] acc = new double[POSITIONS];
            int[] rowOf = new int[POSITIONS], colOf = new int[POSITIONS], inOffset = new int[POSITIONS];
            int[] weightColumn = new int[maxTaps];
            for (int item = from; item < to; item++) {
                int b = item / perImage;
                int[] tile = tilesOfImage.get(item % perImage);
                Phase ph = phases.get(tile[0]);
                int q0 = tile[1], len = Math.min(POSITIONS, ph.positions() - q0);
                for (int q = 0; q < len; q++) {
                    rowOf[q] = (q0 + q) / ph.cols();
                    colOf[q] = (q0 + q) % ph.cols();
                    inOffset[q] = (ph.ph() + rowOf[q] * p.strideH()) * ds[2] + (ph.pv() + colOf[q] * p.strideW()) * ds[3];
                }
                int th = ph.tapsH().length, tw = ph.tapsW().length, taps = og * th * tw;
                int t = 0;
                for (int ol = 0; ol < og; ol++)
                    for (int a = 0; a < th; a++)
                        for (int e = 0; e < tw; e++) weightColumn[t++] = (ol * kh + ph.tapsH()[a]) * kw + ph.tapsW()[e];
                for (int g = 0; g < groups; g++) {
                    // col[t*len + q] = gradOut[b, g*Og+ol, row+shiftH, col+shiftW] for tap t = (ol, a, e)
                    t = 0;
                    for (int ol = 0; ol < og; ol++) {
                        int base = gradOut.offset() + b * gs[0] + (g * og + ol) * gs[1];
                        for (int a = 0; a < th; a++) {
                            int sh = ph.shiftH()[a];
                            for (int e = 0; e < tw; e++, t++) {
                                int sw = ph.shiftW()[e], dst = t * len;
                                for (int q = 0; q < len; q++) {
                                    int y = rowOf[q] + sh, z = colOf[q] + sw;
                                    col[dst + q] = y >= 0 && y < ho && z >= 0 && z < wo ? G[base + y * gs[2] + z * gs[3]] : 0f;
                                }
                            }
                        }
                    }
                    for (int ci = g * cg; ci < (g + 1) * cg; ci++) {
                        java.util.Arrays.fill(acc, 0, len, 0.0);
                        int wRow = ci * rowLength;
                        for (int k = 0; k < taps; k++) axpy(acc, 0, packed[wRow + weightColumn[k]], col, k * len, len);
                        int base = gradIn.offset() + b * ds[0] + ci * ds[1];
                        for (int q = 0; q < len; q++) D[base + inOffset[q]] = (float) acc[q];
                    }
                }
            }
        });
    }

    // ---- weight gradient -------------------------------------------------------------------------

    static void weightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        int n = x.shape()[0], h = x.shape()[2], wd = x.shape()[3];
        int ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        int oc = gradW.shape()[0], cg = gradW.shape()[1], kh = gradW.shape()[2], kw = gradW.shape()[3];
        int groups = p.groups(), og = oc / groups, taps = cg * kh * kw, positions = ho * wo;
        if (oc == 0 || taps == 0) return;
        float[] X = floats(x), G = floats(gradOut), D = floats(gradW);
        int[] xs = x.strides(), gs = gradOut.strides(), ds = gradW.strides();
        int outBlocks = ceilDiv(og, OUT_BLOCK), tapBlocks = ceilDiv(taps, TAP_BLOCK);
        int perGroup = outBlocks * tapBlocks;
        Parallel.forRange(groups * perGroup, (long) OUT_BLOCK * TAP_BLOCK * n * positions, (from, to) -> {
            double[] acc = new double[OUT_BLOCK * TAP_BLOCK];
            float[] col = new float[POSITIONS * TAP_BLOCK]; // [position][tap]
            int[] gOffset = new int[POSITIONS], ohOf = new int[POSITIONS], owOf = new int[POSITIONS];
            int[] chanOffset = new int[TAP_BLOCK], di = new int[TAP_BLOCK], dj = new int[TAP_BLOCK];
            for (int item = from; item < to; item++) {
                int g = item / perGroup, r = item % perGroup;
                int o0 = g * og + (r / tapBlocks) * OUT_BLOCK, oLen = Math.min(OUT_BLOCK, (g + 1) * og - o0);
                int k0 = (r % tapBlocks) * TAP_BLOCK, kLen = Math.min(TAP_BLOCK, taps - k0);
                for (int kk = 0; kk < kLen; kk++) {
                    int k = k0 + kk, cl = k / (kh * kw), i = (k / kw) % kh, j = k % kw;
                    chanOffset[kk] = (g * cg + cl) * xs[1];
                    di[kk] = i * p.dilationH() - p.padH();
                    dj[kk] = j * p.dilationW() - p.padW();
                }
                java.util.Arrays.fill(acc, 0, oLen * kLen, 0.0);
                for (int b = 0; b < n; b++) {
                    for (int p0 = 0; p0 < positions; p0 += POSITIONS) {
                        int len = Math.min(POSITIONS, positions - p0);
                        for (int q = 0; q < len; q++) {
                            ohOf[q] = (p0 + q) / wo;
                            owOf[q] = (p0 + q) % wo;
                            gOffset[q] = ohOf[q] * gs[2] + owOf[q] * gs[3];
                        }
                        int xBase = x.offset() + b * xs[0];
                        for (int kk = 0; kk < kLen; kk++) {
                            int cBase = xBase + chanOffset[kk];
                            for (int q = 0; q < len; q++) {
                                int ih = ohOf[q] * p.strideH() + di[kk], iw = owOf[q] * p.strideW() + dj[kk];
                                col[q * kLen + kk] = ih >= 0 && ih < h && iw >= 0 && iw < wd ? X[cBase + ih * xs[2] + iw * xs[3]] : 0f;
                            }
                        }
                        for (int ol = 0; ol < oLen; ol++) {
                            int gBase = gradOut.offset() + b * gs[0] + (o0 + ol) * gs[1];
                            for (int q = 0; q < len; q++) axpy(acc, ol * kLen, G[gBase + gOffset[q]], col, q * kLen, kLen);
                        }
                    }
                }
                for (int ol = 0; ol < oLen; ol++) {
                    for (int kk = 0; kk < kLen; kk++) {
                        int k = k0 + kk, cl = k / (kh * kw), i = (k / kw) % kh, j = k % kw;
                        D[gradW.offset() + (o0 + ol) * ds[0] + cl * ds[1] + i * ds[2] + j * ds[3]] = (float) acc[ol * kLen + kk];
                    }
                }
            }
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** {@code acc[a + q] += s * v[at + q]} in double: the vectorisable inner loop of every product. */
    private static void axpy(double[] acc, int a, double s, float[] v, int at, int len) {
        for (int q = 0; q < len; q++) acc[a + q] += s * v[at + q];
    }

    /** The weight [O, Cg, kh, kw] (any strides) as contiguous rows of Cg*kh*kw. */
    private static float[] packRows(View w) {
        int[] s = w.shape(), st = w.strides();
        float[] W = floats(w), packed = new float[s[0] * s[1] * s[2] * s[3]];
        int t = 0;
        for (int o = 0; o < s[0]; o++)
            for (int c = 0; c < s[1]; c++)
                for (int i = 0; i < s[2]; i++)
                    for (int j = 0; j < s[3]; j++) packed[t++] = W[w.offset() + o * st[0] + c * st[1] + i * st[2] + j * st[3]];
        return packed;
    }

    /** The weight [O, Cg, kh, kw] as rows per input channel g*Cg+cl, columns (ol, i, j) over the group's outputs. */
    private static float[] packTransposed(View w, int groups) {
        int[] s = w.shape(), st = w.strides();
        int og = s[0] / groups, cg = s[1], kh = s[2], kw = s[3], rowLength = og * kh * kw;
        float[] W = floats(w), packed = new float[groups * cg * rowLength];
        for (int o = 0; o < s[0]; o++) {
            int g = o / og, ol = o % og;
            for (int cl = 0; cl < cg; cl++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        packed[(g * cg + cl) * rowLength + (ol * kh + i) * kw + j] = W[w.offset() + o * st[0] + cl * st[1] + i * st[2] + j * st[3]];
        }
        return packed;
    }

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }
}
