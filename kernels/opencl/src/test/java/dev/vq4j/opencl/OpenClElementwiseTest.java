package dev.vq4j.opencl;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.DType;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.View;
import org.junit.jupiter.api.Test;

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

    /** A kernel the device lacks (here: any the fallback still covers) runs on the host and is exact. */
    @Test
    void fallbackIsExact() {
        View[] x = c.randn(3, 50), out = c.output(DType.INT64, 3);
        c.ref.reduce(ReduceOp.ARGMAX, x[0], 1, out[0]);
        c.dev.reduce(ReduceOp.ARGMAX, x[1], 1, out[1]);
        DeviceCheck.assertClose("argmax", out, 0);
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
