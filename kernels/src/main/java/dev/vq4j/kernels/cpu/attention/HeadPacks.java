package dev.vq4j.kernels.cpu.attention;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

import static dev.vq4j.kernels.cpu.attention.BlockMath.BLOCK;

/**
 * Copies [B,H,L,w] views (any strides) into zero-padded per-head panels laid out tile by tile, so the
 * block kernels read each BLOCK-position tile as a few short contiguous runs that stay in L1 (a plain
 * [L][w] panel walked down a column strides by w floats and thrashes a handful of cache sets):
 * <ul>
 *   <li>{@link #rows}: tile {@code (bh, blk)} starts at {@code (bh*Lp + blk*BLOCK)*wp}; inside it the width
 *       is cut into chunks of BLOCK columns (the last one narrower), each chunk {@code [BLOCK][cw]} contiguous:
 *       element {@code (x, w)} at {@code BLOCK*w0 + x*cw + (w - w0)}, {@code w0 = w - w % BLOCK}.</li>
 *   <li>{@link #columns}: the transpose, tile {@code (bh, blk)} = {@code [wp][BLOCK]} contiguous at
 *       {@code (bh*Lp + blk*BLOCK)*wp}.</li>
 * </ul>
 * Zero padding (positions up to Lp, width up to wp) lets every block be full-sized; masks keep the
 * padding out of the results.
 */
final class HeadPacks {
    private HeadPacks() {}

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }

    /** Offset of tile {@code blk} of head {@code bh} in a panel of either layout. */
    static int tile(int bh, int blk, int lp, int wp) {
        return (bh * lp + blk * BLOCK) * wp;
    }

    /** Row tiles: {@code v[b, h, l, t]} at {@code tile(bh, l/BLOCK) + BLOCK*t0 + (l%BLOCK)*cw + (t - t0)}. */
    static float[] rows(View v, int lp, int wp) {
        int bn = v.shape()[0], hn = v.shape()[1], l = v.shape()[2], w = v.shape()[3];
        int[] s = v.strides();
        float[] src = floats(v), dst = new float[bn * hn * lp * wp];
        Parallel.forRange(bn * hn, (long) l * w, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int base = v.offset() + (bh / hn) * s[0] + (bh % hn) * s[1];
                for (int i = 0; i < l; i++) {
                    int at = base + i * s[2], tileAt = tile(bh, i / BLOCK, lp, wp), x = i % BLOCK;
                    for (int t0 = 0; t0 < w; t0 += BLOCK) {
                        int cw = Math.min(BLOCK, wp - t0), n = Math.min(BLOCK, w - t0), d0 = tileAt + BLOCK * t0 + x * cw;
                        if (s[3] == 1) System.arraycopy(src, at + t0, dst, d0, n);
                        else for (int t = 0; t < n; t++) dst[d0 + t] = src[at + (t0 + t) * s[3]];
                    }
                }
            }
        });
        return dst;
    }

    /** Column tiles: {@code v[b, h, l, t]} at {@code tile(bh, l/BLOCK) + t*BLOCK + l%BLOCK}. */
    static float[] columns(View v, int lp, int wp) {
        int bn = v.shape()[0], hn = v.shape()[1], l = v.shape()[2], w = v.shape()[3];
        int[] s = v.strides();
        float[] src = floats(v), dst = new float[bn * hn * lp * wp];
        Parallel.forRange(bn * hn, (long) l * w, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int base = v.offset() + (bh / hn) * s[0] + (bh % hn) * s[1];
                for (int i = 0; i < l; i++) {
                    int at = base + i * s[2], d0 = tile(bh, i / BLOCK, lp, wp) + i % BLOCK;
                    for (int t = 0; t < w; t++) dst[d0 + t * BLOCK] = src[at + t * s[3]];
                }
            }
        });
        return dst;
    }
}
