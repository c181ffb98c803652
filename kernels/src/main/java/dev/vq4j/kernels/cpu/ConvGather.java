package dev.vq4j.kernels.cpu;

/**
 * The im2col element of a convolution, read straight from the image: for position {@code q} and
 * tap {@code t},
 * <pre>  element(b, q, t) = X[offset + b*batchStride + tapChannel[t] + y*rowStride + x*colStride]
 *   with y = posY[q] + tapDy[t], x = posX[q] + tapDx[t], and 0 when (y, x) is outside [0,H)×[0,W).</pre>
 * Positions come in runs (one output row) where {@code posY} is constant and {@code posX} steps by
 * {@code xStep}; within a run the in-bounds positions of a tap are one interval, found in closed
 * form, so gathering is a zero fill, a strided copy and a zero fill, with no per-element test.
 */
final class ConvGather {
    final float[] X;
    final int offset, batchStride, rowStride, colStride, height, width;
    final int[] posY, posX, runEnd;
    final int xStep;
    final int[] tapChannel, tapDy, tapDx;

    ConvGather(float[] x, int offset, int batchStride, int rowStride, int colStride, int height, int width,
               int[] posY, int[] posX, int xStep, int[] tapChannel, int[] tapDy, int[] tapDx) {
        this.X = x;
        this.offset = offset;
        this.batchStride = batchStride;
        this.rowStride = rowStride;
        this.colStride = colStride;
        this.height = height;
        this.width = width;
        this.posY = posY;
        this.posX = posX;
        this.xStep = xStep;
        this.tapChannel = tapChannel;
        this.tapDy = tapDy;
        this.tapDx = tapDx;
        int n = posY.length;
        this.runEnd = new int[n];
        for (int q = n - 1; q >= 0; q--)
            runEnd[q] = q + 1 < n && posY[q + 1] == posY[q] && posX[q + 1] == posX[q] + xStep ? runEnd[q + 1] : q + 1;
    }

    /** Positions {@code (oh, ow)} of an ho×wo grid, row-major, as {@code (oh*sy + y0, ow*sx + x0)}. */
    static int[][] grid(int ho, int wo, int sy, int y0, int sx, int x0) {
        int[] py = new int[ho * wo], px = new int[ho * wo];
        for (int q = 0; q < ho * wo; q++) {
            py[q] = (q / wo) * sy + y0;
            px[q] = (q % wo) * sx + x0;
        }
        return new int[][] {py, px};
    }

    int positions() {
        return posY.length;
    }

    /**
     * {@code dst[at + q - qa] = element(b, q, t)} for {@code q} in {@code [qa, qa+len)}: {@link #run} with
     * step 1, short-cut for the common sliver that lies in one run (one output row) of a unit-stride grid.
     */
    void copy(int b, int t, int qa, int len, float[] dst, int at) {
        if (xStep == 1 && colStride == 1 && runEnd[qa] >= qa + len) {
            int y = posY[qa] + tapDy[t];
            if (y < 0 || y >= height) {
                java.util.Arrays.fill(dst, at, at + len, 0f);
                return;
            }
            int x0 = posX[qa] + tapDx[t];
            // the part inside the image is one interval [lo, hi); the edge taps of a 3×3 conv clip one end
            int lo = Math.min(len, Math.max(0, -x0)), hi = Math.max(lo, Math.min(len, width - x0));
            if (lo > 0) java.util.Arrays.fill(dst, at, at + lo, 0f);
            if (hi > lo) System.arraycopy(X, offset + b * batchStride + tapChannel[t] + y * rowStride + x0 + lo, dst, at + lo, hi - lo);
            if (hi < len) java.util.Arrays.fill(dst, at + hi, at + len, 0f);
            return;
        }
        run(b, t, qa, qa + len, dst, at, 1);
    }

    /** {@code dst[at + (q-qa)*step] = element(b, q, t)} for {@code q} in {@code [qa, qb)}. */
    void run(int b, int t, int qa, int qb, float[] dst, int at, int step) {
        int base = offset + b * batchStride + tapChannel[t];
        int dy = tapDy[t], dx = tapDx[t];
        int q = qa;
        while (q < qb) {
            int end = Math.min(runEnd[q], qb), len = end - q, to = at + (q - qa) * step;
            int y = posY[q] + dy;
            if (y < 0 || y >= height) {
                zero(dst, to, step, 0, len);
            } else {
                int x0 = posX[q] + dx;
                int lo, hi;
                if (xStep == 1) { // no divisions on the common path
                    lo = x0 >= 0 ? 0 : Math.min(len, -x0);
                    hi = x0 >= width ? 0 : Math.min(len, width - x0);
                } else {
                    lo = x0 >= 0 ? 0 : Math.min(len, ceilDiv(-x0, xStep));
                    hi = x0 >= width ? 0 : Math.min(len, ceilDiv(width - x0, xStep));
                }
                if (hi < lo) hi = lo;
                zero(dst, to, step, 0, lo);
                int src = base + y * rowStride + (x0 + lo * xStep) * colStride, srcStep = xStep * colStride;
                if (hi == lo) {
                    // the whole run falls in the padding: src may point outside X, read nothing
                } else if (step == 1 && srcStep == 1) {
                    System.arraycopy(X, src, dst, to + lo, hi - lo);
                } else {
                    for (int r = lo, d = to + lo * step; r < hi; r++, d += step, src += srcStep) dst[d] = X[src];
                }
                zero(dst, to, step, hi, len);
            }
            q = end;
        }
    }

    private static void zero(float[] dst, int at, int step, int from, int to) {
        if (from >= to) return;
        if (step == 1) java.util.Arrays.fill(dst, at + from, at + to, 0f);
        else for (int r = from; r < to; r++) dst[at + r * step] = 0f;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
