package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.cpu.gemm.GemmOut;
import dev.vq4j.kernels.cpu.gemm.Panel;
import dev.vq4j.kernels.cpu.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weight gradient of an ungrouped convolution as packed GEMMs (one per image, or per few small images) over a padded
 * channels-last copy of the input: {@code gradW[o, (i, j, c)] += G[o, p] · Xt[p, (i, j, c)]} with
 * {@code Xt[p, (i, j, c)] = xt[(oh·sH + i·dH, ow·sW + j·dW), c]}.
 *
 * <p>Why: the GEMM's depth here is the positions, and the packed B panel wants NR taps side by side
 * for each position. In the usual NCHW layout those taps are far apart, so every element is moved
 * alone (a transpose, the cost that dominated this kernel). In the channels-last copy, the NR taps
 * {@code (i, j, c..c+NR)} of a position are NR neighbouring floats: packing is one short vector copy
 * per position, and the input is transposed once per image instead of once per tap (9× for 3×3).
 *
 * <p>Determinism: each gradW element is one FMA chain over (image, position) in order, produced by
 * exactly one GEMM tile per image, whatever the thread count.
 */
final class ConvWeightGradChannelsLast {
    /** Positions per GEMM, at least (several images when the maps are small). */
    private static final int MIN_DEPTH = 1024;
    /** Positions per image from which this path beats the NCHW gather. */
    private static final int MIN_POSITIONS = 256;

    private ConvWeightGradChannelsLast() {}

    /**
     * Ungrouped stride-1 kernels wider than 1×1 on maps of at least {@link #MIN_POSITIONS} positions, with
     * gradOut's positions a single stride apart (one image's G is a strided matrix). Measured (2 threads,
     * batch 8): 64×64 and 32×32 maps ~18% faster than the NCHW gather; 8×8 maps, stride 2 and 1×1 slower
     * (the extra channels-last copy is then a large part of the work).
     */
    static boolean applies(View gradOut, View gradW, Conv2dParams p) {
        int[] gs = gradOut.strides();
        int ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        return p.groups() == 1 && p.strideH() == 1 && p.strideW() == 1 && gradW.shape()[2] * gradW.shape()[3] > 1
                && ho * wo >= MIN_POSITIONS && (ho == 1 || gs[2] == wo * gs[3]);
    }

    static void weightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
        int oc = gradOut.shape()[1], ho = gradOut.shape()[2], wo = gradOut.shape()[3];
        int kh = gradW.shape()[2], kw = gradW.shape()[3], taps = c * kh * kw;
        // the padded window the positions read: rows 0 ..< (ho-1)·sH + (kh-1)·dH + 1, likewise columns
        int hp = (ho - 1) * p.strideH() + (kh - 1) * p.dilationH() + 1;
        int wp = (wo - 1) * p.strideW() + (kw - 1) * p.dilationW() + 1;
        int positions = ho * wo, image = hp * wp * c;
        // images per GEMM: enough positions for a deep product (small maps would make many shallow ones)
        int group = Math.max(1, Math.min(n, MIN_DEPTH / positions));
        float[] xt = new float[group * image];
        float[] sums = new float[oc * taps]; // [o][(i, j, c)], unit columns for the micro-kernel
        int[] depthOffsets = new int[group * positions];
        for (int d = 0; d < depthOffsets.length; d++) {
            int q = d % positions;
            depthOffsets[d] = (d / positions) * image + ((q / wo) * p.strideH() * wp + (q % wo) * p.strideW()) * c;
        }
        int[] tapOffsets = new int[kh * kw];
        for (int ij = 0; ij < kh * kw; ij++)
            tapOffsets[ij] = ((ij / kw) * p.dilationH() * wp + (ij % kw) * p.dilationW()) * c;
        float[] X = floats(x), G = floats(gradOut);
        int[] xs = x.strides(), gs = gradOut.strides();
        for (int b0 = 0; b0 < n; b0 += group) {
            int images = Math.min(group, n - b0), first = b0;
            Parallel.forRange(images * hp, (long) wp * c, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int img = r / hp, y = r % hp;
                    channelsLastRow(X, x.offset() + (first + img) * xs[0], xs, h, w, c, y - p.padH(), -p.padW(), wp, xt, img * image + y * wp * c);
                }
            });
            Sgemm.multiply(1, oc, taps, images * positions,
                    new GradRows(G, gradOut.offset() + b0 * gs[0], gs[0], gs[1], gs[3], positions),
                    new Taps(xt, c, depthOffsets, tapOffsets),
                    GemmOut.strided(sums, 0, 0, taps, 1), b0 > 0, CpuConv.WEIGHT_GRAD_TILES_PER_THREAD);
        }
        float[] D = floats(gradW);
        int[] ds = gradW.strides();
        for (int o = 0; o < oc; o++)
            for (int t = 0; t < taps; t++) {
                int ij = t / c, ci = t % c;
                D[gradW.offset() + o * ds[0] + ci * ds[1] + (ij / kw) * ds[2] + (ij % kw) * ds[3]] = sums[o * taps + t];
            }
    }

    /** {@code dst[at + (col·c + ci)] = x[b, ci, y, x0 + col]} for col in [0, wp), zeros outside the image. */
    private static void channelsLastRow(float[] X, int xb, int[] xs, int h, int w, int c, int y, int x0, int wp,
                                        float[] dst, int at) {
        if (y < 0 || y >= h) {
            java.util.Arrays.fill(dst, at, at + wp * c, 0f);
            return;
        }
        int lo = Math.max(0, -x0), hi = Math.max(lo, Math.min(wp, w - x0)); // columns inside the image
        java.util.Arrays.fill(dst, at, at + lo * c, 0f);
        java.util.Arrays.fill(dst, at + hi * c, at + wp * c, 0f);
        // channel outer: reading one image row at a time (the channels of one column are a plane apart,
        // and planes of a power-of-two size all fall in the same cache set)
        for (int ci = 0; ci < c; ci++)
            for (int col = lo, s = xb + ci * xs[1] + y * xs[2] + (x0 + lo) * xs[3], d = at + lo * c + ci; col < hi; col++, s += xs[3], d += c)
                dst[d] = X[s];
    }

    /** A = gradOut over a run of images: row o, depth {@code (image, position)}; positions one stride apart. */
    private record GradRows(float[] g, int offset, int imageStride, int rowStride, int positionStride, int positions) implements Panel {
        @Override
        public void pack(int batch, int row0, int rows, int depth0, int depth, int width, float[] dst) {
            for (int s0 = 0, d = 0; s0 < rows; s0 += width, d += depth * width) {
                int valid = Math.min(width, rows - s0);
                if (valid < width) java.util.Arrays.fill(dst, d, d + depth * width, 0f);
                for (int r = 0; r < valid; r++) {
                    int row = offset + (row0 + s0 + r) * rowStride;
                    for (int k = 0, to = d + r; k < depth; ) { // one image's run of positions at a time
                        int idx = depth0 + k, q = idx % positions, end = Math.min(depth, k + positions - q);
                        for (int at = row + (idx / positions) * imageStride + q * positionStride; k < end; k++, at += positionStride, to += width)
                            dst[to] = g[at];
                    }
                }
            }
        }
    }

    /** B = Xt seen as taps × depth: row {@code t = (i·kw + j)·c + ci}, depth = (image, position) of the group. */
    private record Taps(float[] xt, int channels, int[] positions, int[] tapOffsets) implements Panel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();

        @Override
        public void pack(int batch, int row0, int rows, int depth0, int depth, int width, float[] dst) {
            for (int s0 = 0, d = 0; s0 < rows; s0 += width, d += depth * width) {
                int valid = Math.min(width, rows - s0);
                if (valid < width) java.util.Arrays.fill(dst, d, d + depth * width, 0f);
                // a sliver's rows are runs of neighbouring channels of one tap (i, j)
                for (int r = 0; r < valid; ) {
                    int t = row0 + s0 + r, ij = t / channels, ci = t % channels;
                    int len = Math.min(valid - r, channels - ci), src = tapOffsets[ij] + ci;
                    if (len == width && width == 2 * L) // the usual whole sliver: two vector moves, no arraycopy call
                        for (int q = 0, to = d; q < depth; q++, to += width) {
                            int from = positions[depth0 + q] + src;
                            FloatVector.fromArray(S, xt, from).intoArray(dst, to);
                            FloatVector.fromArray(S, xt, from + L).intoArray(dst, to + L);
                        }
                    else
                        for (int q = 0, to = d + r; q < depth; q++, to += width)
                            System.arraycopy(xt, positions[depth0 + q] + src, dst, to, len);
                    r += len;
                }
            }
        }
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }
}
