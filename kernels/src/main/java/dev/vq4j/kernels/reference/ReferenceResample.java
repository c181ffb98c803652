package dev.vq4j.kernels.reference;

import dev.vq4j.core.PadMode;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.UpsampleMode;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * Upsampling (nearest, bilinear) and padding (constant, reflect, replicate), with their adjoints.
 * Work is split by planes (the dims that are not resized or padded); each plane belongs to one
 * task, so every output element is written by exactly one task. Adjoints accumulate a plane in
 * double, then add it into gradIn.
 */
final class ReferenceResample {
    private ReferenceResample() {}

    /**
     * Source taps of one axis: output o reads input {@code i0[o]} with weight {@code l0[o]} and
     * {@code i1[o]} with weight {@code l1[o]} (nearest: one tap of weight 1, l1 = 0).
     */
    private record Taps(int[] i0, int[] i1, float[] l0, float[] l1) {}

    private static Taps taps(UpsampleMode mode, boolean alignCorners, int in, int out) {
        int[] i0 = new int[out], i1 = new int[out];
        float[] l0 = new float[out], l1 = new float[out];
        if (mode == UpsampleMode.NEAREST) {
            // PyTorch's legacy 'nearest': src = min(floor(dst * (in / out)), in - 1), scale in float
            float scale = (float) in / out;
            for (int o = 0; o < out; o++) {
                int src = out == in ? o : Math.min((int) Math.floor(o * scale), in - 1);
                i0[o] = src;
                i1[o] = src;
                l0[o] = 1f;
            }
            return new Taps(i0, i1, l0, l1);
        }
        // ATen's area_pixel_compute_scale / area_pixel_compute_source_index (float opmath):
        // align_corners: src = o * (in-1)/(out-1); else src = max((o + 0.5) * in/out - 0.5, 0)
        float scale = alignCorners ? (out > 1 ? (float) (in - 1) / (out - 1) : 0f) : (float) in / out;
        for (int o = 0; o < out; o++) {
            if (in == out) {
                i0[o] = o;
                i1[o] = o;
                l0[o] = 1f;
                continue;
            }
            float real = alignCorners ? scale * o : (float) Math.max(scale * (o + 0.5) - 0.5, 0.0);
            int src = (int) real;
            i0[o] = src;
            i1[o] = src < in - 1 ? src + 1 : src;
            l1[o] = Math.min(Math.max(real - src, 0f), 1f);
            l0[o] = 1f - l1[o];
        }
        return new Taps(i0, i1, l0, l1);
    }

    static void upsample2d(UpsampleMode mode, boolean alignCorners, View x, View out) {
        int r = x.rank();
        int inH = x.shape()[r - 2], inW = x.shape()[r - 1];
        int outH = out.shape()[r - 2], outW = out.shape()[r - 1];
        int xsH = x.strides()[r - 2], xsW = x.strides()[r - 1];
        int osH = out.strides()[r - 2], osW = out.strides()[r - 1];
        Taps th = taps(mode, alignCorners, inH, outH), tw = taps(mode, alignCorners, inW, outW);
        float[] src = ((HostBuffer) x.buffer()).floats(), dst = ((HostBuffer) out.buffer()).floats();
        Parallel.forRange(Planes.count(out, 2), (long) outH * outW * 4, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int xb = Planes.offset(x, plane, 2), ob = Planes.offset(out, plane, 2);
                for (int oh = 0; oh < outH; oh++) {
                    int r0 = xb + th.i0[oh] * xsH, r1 = xb + th.i1[oh] * xsH;
                    for (int ow = 0; ow < outW; ow++) {
                        int c0 = tw.i0[ow] * xsW, c1 = tw.i1[ow] * xsW;
                        float v;
                        if (mode == UpsampleMode.NEAREST) {
                            v = src[r0 + c0];
                        } else {
                            double top = (double) tw.l0[ow] * src[r0 + c0] + (double) tw.l1[ow] * src[r0 + c1];
                            double bottom = (double) tw.l0[ow] * src[r1 + c0] + (double) tw.l1[ow] * src[r1 + c1];
                            v = (float) (th.l0[oh] * top + th.l1[oh] * bottom);
                        }
                        dst[ob + oh * osH + ow * osW] = v;
                    }
                }
            }
        });
    }

    static void upsample2dBackward(UpsampleMode mode, boolean alignCorners, View gradOut, View gradIn) {
        int r = gradIn.rank();
        int inH = gradIn.shape()[r - 2], inW = gradIn.shape()[r - 1];
        int outH = gradOut.shape()[r - 2], outW = gradOut.shape()[r - 1];
        int gsH = gradOut.strides()[r - 2], gsW = gradOut.strides()[r - 1];
        int isH = gradIn.strides()[r - 2], isW = gradIn.strides()[r - 1];
        Taps th = taps(mode, alignCorners, inH, outH), tw = taps(mode, alignCorners, inW, outW);
        float[] g = ((HostBuffer) gradOut.buffer()).floats(), dst = ((HostBuffer) gradIn.buffer()).floats();
        Parallel.forRange(Planes.count(gradIn, 2), (long) outH * outW * 4 + (long) inH * inW, (from, to) -> {
            double[] acc = new double[inH * inW];
            for (int plane = from; plane < to; plane++) {
                java.util.Arrays.fill(acc, 0);
                int gb = Planes.offset(gradOut, plane, 2), ib = Planes.offset(gradIn, plane, 2);
                for (int oh = 0; oh < outH; oh++) {
                    int r0 = th.i0[oh] * inW, r1 = th.i1[oh] * inW;
                    for (int ow = 0; ow < outW; ow++) {
                        double v = g[gb + oh * gsH + ow * gsW];
                        int c0 = tw.i0[ow], c1 = tw.i1[ow];
                        double top = th.l0[oh] * v, bottom = th.l1[oh] * v;
                        acc[r0 + c0] += top * tw.l0[ow];
                        acc[r0 + c1] += top * tw.l1[ow];
                        acc[r1 + c0] += bottom * tw.l0[ow];
                        acc[r1 + c1] += bottom * tw.l1[ow];
                    }
                }
                for (int ih = 0; ih < inH; ih++)
                    for (int iw = 0; iw < inW; iw++) dst[ib + ih * isH + iw * isW] += (float) acc[ih * inW + iw];
            }
        });
    }

    // ---- padding ----------------------------------------------------------------------------------

    /**
     * For each padded dim (in order of the view's dims), the input index each output index reads,
     * or -1 for a constant-filled position. Output o reads input o - before, reflected
     * (i < 0 -> -i, i >= n -> 2(n-1) - i) or clamped (replicate); negative pads crop.
     */
    private static int[][] sourceMaps(PadMode mode, int[] pads, int[] inShape, int[] outShape) {
        int k = pads.length / 2, rank = inShape.length;
        int[][] maps = new int[k][];
        for (int j = 0; j < k; j++) {
            int d = rank - k + j;          // view dim
            int before = pads[2 * (rank - 1 - d)];
            int n = inShape[d];
            int[] map = new int[outShape[d]];
            for (int o = 0; o < map.length; o++) {
                int i = o - before;
                map[o] = switch (mode) {
                    case CONSTANT -> i >= 0 && i < n ? i : -1;
                    case REFLECT -> i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
                    case REPLICATE -> Math.clamp(i, 0, n - 1);
                };
            }
            maps[j] = map;
        }
        return maps;
    }

    /** Element offset of trailing-dims coordinate {@code coord} within a plane starting at {@code base}. */
    private static int offsetOf(int base, View v, int[] coord) {
        int o = base, lead = v.rank() - coord.length;
        for (int j = 0; j < coord.length; j++) o += coord[j] * v.strides()[lead + j];
        return o;
    }

    /** Advances a coordinate over the trailing dims of a view; false after the last one. */
    private static boolean next(int[] coord, View v) {
        int lead = v.rank() - coord.length;
        for (int j = coord.length - 1; j >= 0; j--) {
            if (++coord[j] < v.shape()[lead + j]) return true;
            coord[j] = 0;
        }
        return false;
    }

    private static int trailingNumel(View v, int k) {
        int n = 1;
        for (int d = v.rank() - k; d < v.rank(); d++) n *= v.shape()[d];
        return n;
    }

    static void pad(PadMode mode, int[] pads, float value, View x, View out) {
        int k = pads.length / 2;
        int[][] maps = sourceMaps(mode, pads, x.shape(), out.shape());
        float[] src = ((HostBuffer) x.buffer()).floats(), dst = ((HostBuffer) out.buffer()).floats();
        int inner = trailingNumel(out, k);
        if (inner == 0) return;
        int lead = x.rank() - k;
        Parallel.forRange(Planes.count(out, k), (long) inner * (k + 1), (from, to) -> {
            int[] coord = new int[k];
            for (int plane = from; plane < to; plane++) {
                int xb = Planes.offset(x, plane, k), ob = Planes.offset(out, plane, k);
                java.util.Arrays.fill(coord, 0);
                do {
                    int so = xb;
                    for (int j = 0; j < k && so >= 0; j++) {
                        int i = maps[j][coord[j]];
                        so = i < 0 ? -1 : so + i * x.strides()[lead + j];
                    }
                    dst[offsetOf(ob, out, coord)] = so < 0 ? value : src[so];
                } while (next(coord, out));
            }
        });
    }

    static void padBackward(PadMode mode, int[] pads, View gradOut, View gradIn) {
        int k = pads.length / 2;
        int[][] maps = sourceMaps(mode, pads, gradIn.shape(), gradOut.shape());
        float[] g = ((HostBuffer) gradOut.buffer()).floats(), dst = ((HostBuffer) gradIn.buffer()).floats();
        int innerOut = trailingNumel(gradOut, k), innerIn = trailingNumel(gradIn, k);
        if (innerOut == 0 || innerIn == 0) return;
        int lead = gradIn.rank() - k;
        int[] inPlaneStrides = new int[k]; // row-major strides of the accumulator plane
        for (int j = k - 1, s = 1; j >= 0; j--) {
            inPlaneStrides[j] = s;
            s *= gradIn.shape()[lead + j];
        }
        Parallel.forRange(Planes.count(gradIn, k), (long) (innerOut + innerIn) * (k + 1), (from, to) -> {
            int[] coord = new int[k];
            double[] acc = new double[innerIn];
            for (int plane = from; plane < to; plane++) {
                int gb = Planes.offset(gradOut, plane, k), ib = Planes.offset(gradIn, plane, k);
                java.util.Arrays.fill(acc, 0);
                java.util.Arrays.fill(coord, 0);
                do {
                    int at = 0;
                    for (int j = 0; j < k && at >= 0; j++) {
                        int i = maps[j][coord[j]];
                        at = i < 0 ? -1 : at + i * inPlaneStrides[j];
                    }
                    if (at >= 0) acc[at] += g[offsetOf(gb, gradOut, coord)];
                } while (next(coord, gradOut));
                java.util.Arrays.fill(coord, 0);
                int flat = 0;
                do {
                    dst[offsetOf(ib, gradIn, coord)] += (float) acc[flat++];
                } while (next(coord, gradIn));
            }
        });
    }
}
