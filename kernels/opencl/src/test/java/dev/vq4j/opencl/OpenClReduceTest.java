package dev.vq4j.opencl;

import dev.vq4j.core.DType;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ReduceOp on the device against the reference: reducing 1, 2 and all dims, block lengths
 * 1, 7, 1000 and 100000 (the per-item, per-group and chunked paths), strided inputs, NaN
 * propagation and ties. Tolerance 1e-5 relative for values (sums accumulate in double on both
 * sides), indices exact.
 */
class OpenClReduceTest {
    static final double TOL = 1e-5;
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 23);
    private double worst;

    @Test
    void reduceIsNative() {
        assertTrue(DeviceKernelBackend.nativeKernels().contains(dev.vq4j.core.Kernel.REDUCE));
    }

    @Test
    void everyOpOverOneTwoAndAllDims() {
        View[] x = c.randn(3, 5, 7);
        for (int dims = 0; dims <= 3; dims++) check(x, dims, "[3,5,7] reducing " + dims);
        report("dims");
    }

    @Test
    void blockLengths() {
        for (int len : new int[] {1, 7, 33, 1000, 4099, 100000}) {
            View[] x = c.randn(4, len);
            check(x, 1, "[4," + len + "]");
            View[] flat = c.randn(len);
            check(flat, 1, "[" + len + "] whole");
        }
        check(c.randn(3, 250, 400), 2, "[3,250,400] two dims");
        check(c.randn(2000, 40), 1, "[2000,40]");
        report("lengths");
    }

    @Test
    void stridedInputs() {
        check(DeviceCheck.transpose(c.randn(1000, 7), 0, 1), 1, "transposed [7,1000]");
        check(DeviceCheck.transpose(c.randn(100000, 3), 0, 1), 1, "transposed [3,100000]");
        check(DeviceCheck.transpose(c.randn(6, 5, 40), 0, 2), 2, "transposed [40,5,6] two dims");
        check(DeviceCheck.transpose(c.randn(6, 5, 40), 0, 2), 3, "transposed [40,5,6] all dims");
        check(DeviceCheck.transpose(c.randn(9, 300, 4), 1, 2), 2, "transposed [9,4,300] two dims");
        // a broadcast (stride 0) reduced dim and an offset view
        View[] b = c.randn(5, 30);
        View[] e = new View[2];
        for (int i = 0; i < 2; i++) e[i] = new View(b[i].buffer(), new int[] {4, 50, 29}, new int[] {30, 0, 1}, 31);
        check(e, 2, "broadcast and offset");
        report("strided");
    }

    @Test
    void nanPropagatesAndTiesTakeTheFirst() {
        for (int len : new int[] {7, 1000, 100000}) {
            float[] a = new float[3 * len];
            for (int i = 0; i < a.length; i++) a[i] = (float) Math.floor(c.rng.nextDouble() * 5);  // many ties
            check(c.upload(a.clone(), 3, len), 1, "ties " + len);
            a[len / 2] = Float.NaN;
            a[len + len - 1] = Float.NaN;
            a[2 * len + 1] = Float.NaN;
            a[2 * len + len / 3 + 1] = Float.NaN;
            check(c.upload(a.clone(), 3, len), 1, "NaN " + len);
            check(c.upload(a.clone(), 3 * len), 1, "NaN whole " + len);
        }
        // all NaN, infinities
        float[] inf = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, Float.NaN};
        check(c.upload(inf, 3, 2), 1, "inf and NaN");
        report("nan/ties");
    }

    private void check(View[] x, int dims, String what) {
        int[] outShape = Arrays.copyOf(x[0].shape(), x[0].rank() - dims);
        for (ReduceOp op : ReduceOp.values()) {
            boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
            View[] out = c.output(arg ? DType.INT64 : DType.FLOAT32, outShape);
            if (arg) {  // a stale value must not survive
                c.ref.fill(out[0], -7);
                c.dev.fill(out[1], -7);
            }
            c.ref.reduce(op, x[0], dims, out[0]);
            c.dev.reduce(op, x[1], dims, out[1]);
            worst = Math.max(worst, DeviceCheck.assertClose(op + " " + what + " (" + Shapes.numel(outShape) + " outputs)", out, TOL));
        }
    }

    private void report(String what) {
        System.out.printf("reduce %s: worst relative error %.3g%n", what, worst);
    }
}
