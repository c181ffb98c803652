package dev.vq4j.kernels.cpu.attention;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * Copies [B,H,L,w] views (any strides) into zero-padded contiguous per-head panels the block kernels
 * read with unit stride: rows {@code [B*H][Lp][wp]}, or transposed columns {@code [B*H][w][Lp]}.
 * Zero padding lets every block be full-sized; masks keep the padding out of the results.
 */
final class HeadPacks {
    private HeadPacks() {}

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }

    /** {@code dst[(bh*lp + l)*wp + t] = v[b, h, l, t]}. */
    static float[] rows(View v, int lp, int wp) {
        int bn = v.shape()[0], hn = v.shape()[1], l = v.shape()[2], w = v.shape()[3];
        int[] s = v.strides();
        float[] src = floats(v), dst = new float[bn * hn * lp * wp];
        Parallel.forRange(bn * hn, (long) l * w, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int base = v.offset() + (bh / hn) * s[0] + (bh % hn) * s[1];
                for (int i = 0; i < l; i++) {
                    int at = base + i * s[2], d0 = (bh * lp + i) * wp;
                    if (s[3] == 1) System.arraycopy(src, at, dst, d0, w);
                    else for (int t = 0; t < w; t++) dst[d0 + t] = src[at + t * s[3]];
                }
            }
        });
        return dst;
    }

    /** {@code dst[(bh*w + t)*lp + l] = v[b, h, l, t]}. */
    static float[] columns(View v, int lp) {
        int bn = v.shape()[0], hn = v.shape()[1], l = v.shape()[2], w = v.shape()[3];
        int[] s = v.strides();
        float[] src = floats(v), dst = new float[bn * hn * w * lp];
        Parallel.forRange(bn * hn, (long) l * w, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int base = v.offset() + (bh / hn) * s[0] + (bh % hn) * s[1];
                for (int i = 0; i < l; i++) {
                    int at = base + i * s[2];
                    for (int t = 0; t < w; t++) dst[(bh * w + t) * lp + i] = src[at + t * s[3]];
                }
            }
        });
        return dst;
    }
}
