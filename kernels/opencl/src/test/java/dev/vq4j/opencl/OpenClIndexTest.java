package dev.vq4j.opencl;

import dev.vq4j.core.DType;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * index_select, index_add, gather, scatter_add against the reference: every dim of a transposed
 * (non-contiguous) input, INT32 and INT64 indices read through strides, repeated indices for the
 * accumulating kernels, and the reference's error for an index out of range. Tolerances: the
 * selecting kernels are exact; the accumulating ones (float atomics in any order) 1e-5, and 1e-4
 * (the reductions' tolerance) for the embedding gradient, whose elements sum ~77 terms each: float
 * rounding in a different order reaches 1.1e-5 there (seen once on PoCL).
 */
class OpenClIndexTest {
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 23);
    private double worst;

    /** A 1-D index of n values in [0, bound), INT32 or INT64, read with stride 2 from offset 1 (the gaps hold an out-of-range value). */
    private View[] index1d(int n, int bound, boolean int32) {
        long[] v = new long[2 * n + 1];
        for (int i = 0; i < v.length; i++) v[i] = i % 2 == 1 ? (long) Math.floor(c.rng.nextDouble() * bound) : 1_000_000;
        View[] whole = int32 ? c.upload(toInts(v), v.length) : c.upload(v, v.length);
        View[] out = new View[2];
        for (int i = 0; i < 2; i++) out[i] = new View(whole[i].buffer(), new int[] {n}, new int[] {2}, 1);
        return out;
    }

    /** An index of the given shape with values in [0, bound), as the transpose (dims 0 and last) of a contiguous tensor. */
    private View[] indexNd(int bound, boolean int32, int... shape) {
        int[] t = shape.clone();
        int last = t.length - 1, s = t[0];
        t[0] = t[last];
        t[last] = s;
        long[] v = new long[Shapes.numel(t)];
        for (int i = 0; i < v.length; i++) v[i] = (long) Math.floor(c.rng.nextDouble() * bound);
        View[] base = int32 ? c.upload(toInts(v), t) : c.upload(v, t);
        return DeviceCheck.transpose(base, 0, last);
    }

    private static int[] toInts(long[] v) {
        int[] a = new int[v.length];
        for (int i = 0; i < v.length; i++) a[i] = (int) v[i];
        return a;
    }

    /** randn of the given shape, as the transpose (dims 0 and last) of a contiguous tensor. */
    private View[] randnT(int... shape) {
        int[] t = shape.clone();
        int last = t.length - 1, s = t[0];
        t[0] = t[last];
        t[last] = s;
        return DeviceCheck.transpose(c.randn(t), 0, last);
    }

    private void check(String what, View[] pair, double tol) {
        worst = Math.max(worst, DeviceCheck.assertClose(what, pair, tol));
    }

    @Test
    void indexSelectEveryDim() {
        int[] shape = {5, 7, 9};
        View[] x = randnT(shape);
        for (boolean int32 : new boolean[] {false, true}) {
            for (int dim = 0; dim < 3; dim++) {
                View[] idx = index1d(11, shape[dim], int32);
                int[] os = shape.clone();
                os[dim] = 11;
                View[] out = c.output(DType.FLOAT32, os);
                c.ref.indexSelect(x[0], dim, idx[0], out[0]);
                c.dev.indexSelect(x[1], dim, idx[1], out[1]);
                check("index_select dim " + dim + (int32 ? " int32" : " int64"), out, 0);
            }
        }
    }

    /** An embedding lookup and its gradient: many rows, heavy repetition. */
    @Test
    void embeddingLookupAndGradient() {
        View[] table = c.randn(301, 67);
        View[] idx = index1d(517, 301, false);
        View[] out = c.output(DType.FLOAT32, 517, 67);
        c.ref.indexSelect(table[0], 0, idx[0], out[0]);
        c.dev.indexSelect(table[1], 0, idx[1], out[1]);
        check("embedding lookup", out, 0);

        View[] hot = index1d(999, 13, false);
        View[] g = c.randn(999, 67), grad = c.output(DType.FLOAT32, 13, 67);
        c.ref.fill(grad[0], 0);
        c.dev.fill(grad[1], 0);
        c.ref.indexAdd(grad[0], 0, hot[0], g[0]);
        c.dev.indexAdd(grad[1], 0, hot[1], g[1]);
        check("embedding gradient", grad, 1e-4);
        System.out.printf("index: worst relative error %.3e%n", worst);
    }

    @Test
    void indexAddAccumulatesRepeatedIndices() {
        int[] shape = {6, 5, 8};
        for (boolean int32 : new boolean[] {false, true}) {
            for (int dim = 0; dim < 3; dim++) {
                View[] dst = randnT(shape);
                View[] idx = index1d(23, shape[dim], int32);  // 23 > every dim: repeats
                int[] ss = shape.clone();
                ss[dim] = 23;
                View[] src = randnT(ss);
                c.ref.indexAdd(dst[0], dim, idx[0], src[0]);
                c.dev.indexAdd(dst[1], dim, idx[1], src[1]);
                check("index_add dim " + dim + (int32 ? " int32" : " int64"), dst, 1e-5);
            }
        }
    }

    @Test
    void gatherEveryDim() {
        int[] shape = {7, 6, 9};
        View[] x = randnT(shape);
        for (boolean int32 : new boolean[] {false, true}) {
            for (int dim = 0; dim < 3; dim++) {
                int[] is = {5, 4, 7};   // smaller than x off dim (as torch allows), larger along it
                is[dim] = 13;
                View[] idx = indexNd(shape[dim], int32, is);
                View[] out = DeviceCheck.transpose(c.output(DType.FLOAT32, is[1], is[0], is[2]), 0, 1);
                c.ref.gather(x[0], dim, idx[0], out[0]);
                c.dev.gather(x[1], dim, idx[1], out[1]);
                check("gather dim " + dim + (int32 ? " int32" : " int64"), out, 0);
            }
        }
    }

    @Test
    void scatterAddAccumulatesRepeatedIndices() {
        int[] shape = {5, 6, 7};
        for (boolean int32 : new boolean[] {false, true}) {
            for (int dim = 0; dim < 3; dim++) {
                View[] dst = randnT(shape);
                int[] is = {4, 5, 6};
                is[dim] = 17;   // more sources than destinations along dim: repeats
                int[] ss = {5, 6, 7};
                ss[dim] = 19;   // src may be larger than the index
                View[] idx = indexNd(shape[dim], int32, is), src = randnT(ss);
                c.ref.scatterAdd(dst[0], dim, idx[0], src[0]);
                c.dev.scatterAdd(dst[1], dim, idx[1], src[1]);
                check("scatter_add dim " + dim + (int32 ? " int32" : " int64"), dst, 1e-5);
            }
        }
    }

    /** The device throws the reference's exception and message, naming the first bad index. */
    @Test
    void outOfRangeIndexThrowsTheReferenceError() {
        View[] x = c.randn(4, 5);
        for (boolean int32 : new boolean[] {false, true}) {
            long[] bad = {1, 3, 7, 2, -1, 9};
            View[] idx = int32 ? c.upload(toInts(bad), 6) : c.upload(bad, 6);
            View[] idx2 = int32 ? c.upload(toInts(new long[] {0, 2, -3, 1, 8, 2}), 2, 3) : c.upload(new long[] {0, 2, -3, 1, 8, 2}, 2, 3);
            View[] sel = c.output(DType.FLOAT32, 4, 6), dst = c.randn(4, 5), src = c.randn(4, 6);
            View[] g = c.output(DType.FLOAT32, 2, 3), s2 = c.randn(2, 3);
            sameError("index_select", () -> c.ref.indexSelect(x[0], 1, idx[0], sel[0]), () -> c.dev.indexSelect(x[1], 1, idx[1], sel[1]));
            sameError("index_add", () -> c.ref.indexAdd(dst[0], 1, idx[0], src[0]), () -> c.dev.indexAdd(dst[1], 1, idx[1], src[1]));
            sameError("gather", () -> c.ref.gather(x[0], 1, idx2[0], g[0]), () -> c.dev.gather(x[1], 1, idx2[1], g[1]));
            sameError("scatter_add", () -> c.ref.scatterAdd(dst[0], 0, idx2[0], s2[0]), () -> c.dev.scatterAdd(dst[1], 0, idx2[1], s2[1]));
        }
    }

    private static void sameError(String op, Runnable ref, Runnable dev) {
        String expected = assertThrows(IndexOutOfBoundsException.class, ref::run).getMessage();
        String actual = assertThrows(IndexOutOfBoundsException.class, dev::run, op).getMessage();
        assertEquals(expected, actual, op);
        System.out.println("device error: " + actual);
    }
}
