package dev.vq4j.kernels.cpu.gemm;

import dev.vq4j.core.Parallel;

import static dev.vq4j.kernels.cpu.gemm.MicroKernel.MR;
import static dev.vq4j.kernels.cpu.gemm.MicroKernel.NR;

/**
 * Version 3: the {@link Sgemm2} blocking run in parallel. C is cut into (batch, M-tile, N-tile)
 * tiles, the tile list split into contiguous ranges by {@link Parallel#forRange}; each tile is
 * computed by exactly one task, and every element is one FMA chain in k order (the micro-kernel
 * continues the chain across KC blocks), so the result is bit-identical whatever the tile sizes or
 * thread count. Tiles shrink (N first, then M) until there are a few per thread; problems under
 * {@link Parallel#MIN_PARALLEL_WORK} run on the calling thread.
 *
 * <p>Blocking (floats): KC = 256 (a KC×NR B sliver = 32 KiB at 16 lanes, in L1), MC = 144 (an
 * MC×KC A block = 144 KiB, in L2), N tile up to 64·NR = 2048 (a KC×2048 B panel = 2 MiB, in L2/L3),
 * packed once per KC step and reused by every MC block of the tile.
 */
public final class Sgemm3 {
    static final int KC = 256;
    static final int MC = MR * 24;
    static final int NC = NR * 64;

    private static final class Scratch {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Sgemm3() {}

    public static void multiply(int batch, int m, int n, int k, Panel a, Panel b, GemmOut c, boolean accumulate) {
        run(batch, m, n, k, a, b, c, accumulate, true, 4);
    }

    /**
     * As {@link #multiply}, cutting C into only about {@code tilesPerThread} tiles per thread. Every tile
     * packs its whole A rows and B rows, so for a deep product with small M and N (a convolution's
     * weight gradient, whose panels are gathered and transposed) fewer tiles mean less packing.
     */
    public static void multiply(int batch, int m, int n, int k, Panel a, Panel b, GemmOut c, boolean accumulate, int tilesPerThread) {
        run(batch, m, n, k, a, b, c, accumulate, true, tilesPerThread);
    }

    static void run(int batch, int m, int n, int k, Panel a, Panel b, GemmOut c, boolean accumulate, boolean parallel) {
        run(batch, m, n, k, a, b, c, accumulate, parallel, 4);
    }

    static void run(int batch, int m, int n, int k, Panel a, Panel b, GemmOut c, boolean accumulate, boolean parallel, int tilesPerThread) {
        if (batch <= 0 || m <= 0 || n <= 0) return;
        int threads = parallel ? Parallel.threads() : 1;
        int mt = roundUp(m, MR), nt = Math.min(roundUp(n, NR), NC);
        while ((long) batch * ceilDiv(m, mt) * ceilDiv(n, nt) < (long) tilesPerThread * threads) {
            if (nt >= 2 * NR && (nt >= mt || mt < 8 * MR)) nt = roundUp(nt / 2, NR);
            else if (mt >= 8 * MR) mt = roundUp(mt / 2, MR);
            else break;
        }
        // even out the tiles (N = 2304 would otherwise be 2048 + 256: one thread idles most of the time)
        mt = roundUp(ceilDiv(m, ceilDiv(m, mt)), MR);
        nt = roundUp(ceilDiv(n, ceilDiv(n, nt)), NR);
        int tilesM = ceilDiv(m, mt), tilesN = ceilDiv(n, nt), perBatch = tilesM * tilesN;
        int tm = mt, tn = nt;
        Parallel.RangeBody body = (from, to) -> {
            Scratch s = SCRATCH.get();
            for (int item = from; item < to; item++) {
                int bi = item / perBatch, r = item % perBatch;
                int i0 = (r / tilesN) * tm, j0 = (r % tilesN) * tn;
                tile(bi, i0, Math.min(m, i0 + tm), j0, Math.min(n - j0, tn), k, a, b, c, accumulate, s);
            }
        };
        int items = batch * perBatch;
        if (parallel) Parallel.forRange(items, 2L * tm * tn * Math.max(k, 1), body);
        else body.run(0, items);
    }

    /** C[bi, i0:i1, j0:j0+nlen] for the whole k range. */
    private static void tile(int bi, int i0, int i1, int j0, int nlen, int k, Panel a, Panel b, GemmOut c,
                             boolean accumulate, Scratch s) {
        if (k == 0) {
            if (!accumulate) zero(bi, i0, i1, j0, nlen, c);
            return;
        }
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean load = accumulate || pc > 0;
            b.pack(bi, j0, nlen, pc, kc, NR, s.b);
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic);
                a.pack(bi, ic, mc, pc, kc, MR, s.a);
                macro(bi, ic, mc, j0, nlen, kc, s, c, load);
            }
        }
    }

    /** Every MR×NR tile of an mc×nlen block: B sliver outer (stays in L1), A slivers inner. */
    private static void macro(int bi, int ic, int mc, int j0, int nlen, int kc, Scratch s, GemmOut c, boolean load) {
        float[] C = c.data();
        int rs = c.rowStride(), rowBase = c.offset() + bi * c.batchStride();
        boolean direct = c.unitColumns();
        for (int jr = 0; jr < nlen; jr += NR) {
            int nr = Math.min(NR, nlen - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int ci = rowBase + (ic + ir) * rs;
                if (direct && mr == MR && nr == NR) {
                    MicroKernel.kernel(kc, s.a, ir * kc, s.b, jr * kc, C, ci + (j0 + jr), rs, load);
                } else {
                    float[] t = s.tile;
                    if (load)
                        for (int i = 0; i < mr; i++)
                            for (int j = 0; j < nr; j++) t[i * NR + j] = C[ci + i * rs + c.column(j0 + jr + j)];
                    MicroKernel.kernel(kc, s.a, ir * kc, s.b, jr * kc, t, 0, NR, load);
                    for (int i = 0; i < mr; i++)
                        for (int j = 0; j < nr; j++) C[ci + i * rs + c.column(j0 + jr + j)] = t[i * NR + j];
                }
            }
        }
    }

    private static void zero(int bi, int i0, int i1, int j0, int nlen, GemmOut c) {
        int base = c.offset() + bi * c.batchStride();
        for (int i = i0; i < i1; i++)
            for (int j = 0; j < nlen; j++) c.data()[base + i * c.rowStride() + c.column(j0 + j)] = 0f;
    }

    static int roundUp(int x, int to) {
        return ceilDiv(x, to) * to;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
