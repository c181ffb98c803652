package dev.vq4j.kernels.device;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.DType;
import dev.vq4j.core.Device;
import dev.vq4j.core.Rng;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The same inputs on the reference backend and on a device backend, and the comparison of their
 * outputs: per element |device − reference| / max(|reference|, 1e-2·max|reference|), as OpCheck.
 * Shared (test-jar) by the OpenCL and CUDA modules' kernel tests.
 */
public final class DeviceCheck {
    public final Backend ref = Backends.get(Device.REFERENCE);
    public final Backend dev;
    public final Rng rng;

    public DeviceCheck(Backend dev, long seed) {
        this.dev = dev;
        this.rng = new Rng(seed);
    }

    /** A pair of views holding the same values: [0] on the reference, [1] on the device. */
    public View[] upload(Object hostArray, int... shape) {
        return new View[] {View.contiguous(ref.upload(hostArray), shape), View.contiguous(dev.upload(hostArray), shape)};
    }

    public View[] randn(int... shape) {
        float[] a = new float[Shapes.numel(shape)];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        return upload(a, shape);
    }

    /** Uniform integers in [0, bound) as INT64. */
    public View[] randint(long bound, int... shape) {
        long[] a = new long[Shapes.numel(shape)];
        for (int i = 0; i < a.length; i++) a[i] = (long) Math.floor(rng.nextDouble() * bound);
        return upload(a, shape);
    }

    /** Outputs of a dtype, filled with NaN (float) so an element a kernel forgets shows up. */
    public View[] output(DType dtype, int... shape) {
        int n = Shapes.numel(shape);
        View r = View.contiguous(ref.allocate(dtype, n), shape), d = View.contiguous(dev.allocate(dtype, n), shape);
        if (dtype == DType.FLOAT32) {
            ref.fill(r, Float.NaN);
            dev.fill(d, Float.NaN);
        }
        return new View[] {r, d};
    }

    /** A transposed view of dims d0, d1 of both (same memory, swapped strides). */
    public static View[] transpose(View[] v, int d0, int d1) {
        View[] out = new View[2];
        for (int i = 0; i < 2; i++) {
            int[] shape = v[i].shape().clone(), strides = v[i].strides().clone();
            int t = shape[d0]; shape[d0] = shape[d1]; shape[d1] = t;
            t = strides[d0]; strides[d0] = strides[d1]; strides[d1] = t;
            out[i] = new View(v[i].buffer(), shape, strides, v[i].offset());
        }
        return out;
    }

    /** Fails when a float output differs by more than tol; integer and bool outputs must be equal. Returns the worst error. */
    public static double assertClose(String what, View[] pair, double tol) {
        Object e = pair[0].buffer().backend().download(pair[0]), a = pair[1].buffer().backend().download(pair[1]);
        switch (e) {
            case long[] el -> { assertArrayEquals(el, (long[]) a, what); return 0; }
            case int[] el -> { assertArrayEquals(el, (int[]) a, what); return 0; }
            case boolean[] el -> { assertArrayEquals(el, (boolean[]) a, what); return 0; }
            default -> { }
        }
        float[] ef = (float[]) e, af = (float[]) a;
        double maxAbs = 0;
        for (float x : ef) if (Float.isFinite(x)) maxAbs = Math.max(maxAbs, Math.abs(x));
        double floor = Math.max(1e-2 * maxAbs, 1e-30), worst = 0;
        for (int i = 0; i < ef.length; i++) {
            if (Float.compare(ef[i], af[i]) == 0 || (Float.isNaN(ef[i]) && Float.isNaN(af[i]))) continue;
            double err = Float.isFinite(ef[i]) && Float.isFinite(af[i])
                    ? Math.abs((double) af[i] - ef[i]) / Math.max(Math.abs(ef[i]), floor) : Double.POSITIVE_INFINITY;
            if (err > tol) fail(String.format("%s: element %d is %s on the device, %s on the reference (error %.3g > %.1g)", what, i, af[i], ef[i], err, tol));
            worst = Math.max(worst, err);
        }
        return worst;
    }
}
