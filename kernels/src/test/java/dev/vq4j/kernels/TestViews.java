package dev.vq4j.kernels;

import dev.vq4j.core.Backend;
import dev.vq4j.core.DType;
import dev.vq4j.core.Rng;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;

/** Views for kernel tests: random contiguous or permuted inputs, NaN-filled outputs, and a relative comparison. */
public final class TestViews {
    private TestViews() {}

    /** Standard normal values in a contiguous view. */
    public static View randn(Backend be, Rng rng, int... shape) {
        HostBuffer b = (HostBuffer) be.allocate(DType.FLOAT32, Shapes.numel(shape));
        float[] a = b.floats();
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        return View.contiguous(b, shape);
    }

    /**
     * Random values of the given shape stored with dims {@code d0} and {@code d1} swapped in memory (a transposed
     * view, as x.transpose(d0, d1) of a contiguous tensor), plus an element offset.
     */
    public static View randnSwapped(Backend be, Rng rng, int d0, int d1, int... shape) {
        int[] stored = shape.clone();
        stored[d0] = shape[d1];
        stored[d1] = shape[d0];
        int numel = Shapes.numel(shape);
        HostBuffer b = (HostBuffer) be.allocate(DType.FLOAT32, numel + 3);
        float[] a = b.floats();
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        int[] st = Shapes.contiguousStrides(stored);
        int[] strides = st.clone();
        strides[d0] = st[d1];
        strides[d1] = st[d0];
        return new View(b, shape.clone(), strides, 3);
    }

    /** A contiguous output filled with NaN, so an element a kernel forgets to write shows up. */
    public static View nans(Backend be, int... shape) {
        HostBuffer b = (HostBuffer) be.allocate(DType.FLOAT32, Shapes.numel(shape));
        Arrays.fill(b.floats(), Float.NaN);
        return View.contiguous(b, shape);
    }

    public static float[] values(View v) {
        return (float[]) v.buffer().backend().download(v);
    }

    /** Fails unless every element agrees within {@code tol} relative to max(|expected|, 1e-2 * max|expected|), as OpCheck. */
    public static double assertClose(String what, View expected, View actual, double tol) {
        float[] e = values(expected), a = values(actual);
        double maxAbs = 0;
        for (float x : e) if (Float.isFinite(x)) maxAbs = Math.max(maxAbs, Math.abs(x));
        double floor = Math.max(1e-2 * maxAbs, 1e-30), worst = 0;
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i])) fail(what + ": the reference left element " + i + " unwritten (NaN)");
            if (Float.isInfinite(e[i]) && e[i] == a[i]) continue;
            double err = Math.abs((double) a[i] - e[i]) / Math.max(Math.abs(e[i]), floor);
            if (!(err <= tol)) fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i] + " (error " + err + " > " + tol + ")");
            worst = Math.max(worst, err);
        }
        return worst;
    }
}
