package dev.vq4j.opencl;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** fill, copy between every dtype pair, every unary and binary op with broadcasting and strides, where; and the host fallback. */
class OpenClElementwiseTest {
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 11);

    @Test
    void everyUnaryOpOnAStridedView() {
        View[] x = DeviceCheck.transpose(c.randn(5, 7, 3), 0, 2);
        for (UnaryOp op : UnaryOp.values()) {
            float a = op == UnaryOp.CLAMP ? -0.5f : op == UnaryOp.SOFTPLUS ? 1.5f : 0.7f, b = op == UnaryOp.SOFTPLUS ? 20f : 0.5f;
            View[] out = c.output(DType.FLOAT32, 3, 7, 5);
            c.ref.unary(op, x[0], out[0], a, b);
            c.dev.unary(op, x[1], out[1], a, b);
            DeviceCheck.assertClose("unary " + op, out, 2e-6);
        }
    }

    @Test
    void everyBinaryOpWithBroadcasting() {
        View[] a = c.randn(4, 1, 6), b = c.randn(1, 5, 6);
        View[] ae = expand(a, 4, 5, 6), bx = expand(b, 4, 5, 6);
        for (BinaryOp op : BinaryOp.values()) {
            if (op.isLogical()) continue;
            DType outType = op.isComparison() ? DType.BOOL : DType.FLOAT32;
            View[] out = c.output(outType, 4, 5, 6);
            c.ref.binary(op, ae[0], bx[0], out[0]);
            c.dev.binary(op, ae[1], bx[1], out[1]);
            DeviceCheck.assertClose("binary " + op, out, 2e-6);
        }
    }

    @Test
    void copyConvertsBetweenEveryDtype() {
        View[] x = c.randn(3, 4, 5);
        for (DType from : DType.values()) {
            View[] src = c.output(from, 3, 4, 5);
            c.ref.copy(x[0], src[0]);
            c.dev.copy(x[1], src[1]);
            for (DType to : DType.values()) {
                View[] dst = c.output(to, 5, 4, 3);
                View[] srcT = DeviceCheck.transpose(src, 0, 2);
                c.ref.copy(srcT[0], dst[0]);
                c.dev.copy(srcT[1], dst[1]);
                DeviceCheck.assertClose("copy " + from + " -> " + to, dst, 0);
            }
        }
    }

    @Test
    void fillAndWhere() {
        View[] cond = c.output(DType.BOOL, 6, 7), a = c.randn(6, 7), b = c.randn(6, 7), out = c.output(DType.FLOAT32, 6, 7);
        View[] zero = c.output(DType.FLOAT32, 6, 7);
        c.ref.fill(zero[0], 0.0);
        c.dev.fill(zero[1], 0.0);
        c.ref.binary(BinaryOp.GT, a[0], zero[0], cond[0]);
        c.dev.binary(BinaryOp.GT, a[1], zero[1], cond[1]);
        c.ref.where(cond[0], a[0], b[0], out[0]);
        c.dev.where(cond[1], a[1], b[1], out[1]);
        DeviceCheck.assertClose("where", out, 0);
    }

    /** A call no device kernel covers (top-40 search; the device lists hold 32) runs on the host and is exact. */
    @Test
    void fallbackIsExact() {
        View[] x = c.randn(9, 5), codes = c.randn(50, 5);
        View[] idx = c.output(DType.INT64, 9, 40), dist = c.output(DType.FLOAT32, 9, 40);
        c.ref.nearestCodes(x[0], codes[0], 40, false, idx[0], dist[0]);
        c.dev.nearestCodes(x[1], codes[1], 40, false, idx[1], dist[1]);
        DeviceCheck.assertClose("top-40 indices", idx, 0);
        DeviceCheck.assertClose("top-40 distances", dist, 0);
    }

    /**
     * Every kernel of the Backend interface has a device implementation (the fallback is for odd calls only),
     * and the backend under test says so unless -Dvq4j.hostKernels sends some to the host (OpenClSupportsTest
     * checks each kernel's calls against the answer).
     */
    @Test
    void everyKernelIsNative() {
        assertEquals(EnumSet.allOf(Kernel.class), DeviceKernelBackend.nativeKernels());
        for (Kernel k : Kernel.values())
            assertEquals(!DeviceKernelBackend.hostKernelsProperty().contains(k), c.dev.supports(k), k.id());
    }

    static View[] expand(View[] v, int... shape) {
        View[] out = new View[2];
        for (int i = 0; i < 2; i++) {
            int[] st = new int[shape.length];
            for (int d = 0; d < shape.length; d++) st[d] = v[i].shape()[d] == shape[d] ? v[i].strides()[d] : 0;
            out[i] = new View(v[i].buffer(), shape, st, v[i].offset());
        }
        return out;
    }
}
