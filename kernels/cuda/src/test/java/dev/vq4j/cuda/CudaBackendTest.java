package dev.vq4j.cuda;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.DType;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceApi;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import dev.vq4j.kernels.device.DeviceOutOfMemoryError;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a CUDA GPU (skipped elsewhere, CI included): the elementwise comparisons of OpenClElementwiseTest
 * against the reference, and device memory (copies at offsets, zeroing, out of memory, errors).
 */
class CudaBackendTest {
    private final DeviceCheck c = new DeviceCheck(CudaTesting.backend(), 11);
    private final DeviceApi api = ((DeviceKernelBackend) c.dev).api();

    @Test
    void describesTheDevice() {
        String d = c.dev.describe();
        System.out.println("CudaBackendTest: " + d);
        assertTrue(d.startsWith("cuda:0: cuda:0  ") && d.contains("compute capability") && d.contains("PTX vq4j"), d);
    }

    @Test
    void everyUnaryOpOnAStridedView() {
        View[] x = DeviceCheck.transpose(c.randn(5, 7, 3), 0, 2);
        double worst = 0;
        for (UnaryOp op : UnaryOp.values()) {
            float a = op == UnaryOp.CLAMP ? -0.5f : op == UnaryOp.SOFTPLUS ? 1.5f : 0.7f, b = op == UnaryOp.SOFTPLUS ? 20f : 0.5f;
            View[] out = c.output(DType.FLOAT32, 3, 7, 5);
            c.ref.unary(op, x[0], out[0], a, b);
            c.dev.unary(op, x[1], out[1], a, b);
            worst = Math.max(worst, DeviceCheck.assertClose("unary " + op, out, 2e-6));
        }
        System.out.println("CudaBackendTest: unary worst relative error " + worst);
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

    @Test
    void fallbackIsExact() {
        View[] x = c.randn(3, 50), out = c.output(DType.INT64, 3);
        c.ref.reduce(ReduceOp.ARGMAX, x[0], 1, out[0]);
        c.dev.reduce(ReduceOp.ARGMAX, x[1], 1, out[1]);
        DeviceCheck.assertClose("argmax", out, 0);
    }

    /** Device memory through DeviceApi: write and read at byte offsets, zero a range, copy between blocks. */
    @Test
    void deviceMemoryAtOffsets() {
        int n = 1000;
        Object a = api.malloc(4L * n), b = api.malloc(4L * n);
        try {
            ByteBuffer src = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
            for (int i = 0; i < n; i++) src.putInt(i, i + 1);
            api.write(a, 0, src);
            api.zero(a, 40, 80);                       // ints 10..29 become 0
            ByteBuffer part = ByteBuffer.allocateDirect(400).order(ByteOrder.nativeOrder());
            for (int i = 0; i < 100; i++) part.putInt(4 * i, -i);
            api.write(a, 4 * 500, part);               // ints 500..599 become -0..-99
            api.copy(a, 0, b, 0, 4L * n);
            api.copy(a, 4 * 10, b, 4 * 900, 4 * 50);   // ints 900..949 of b = a[10..59]
            ByteBuffer back = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
            api.read(b, 0, back);
            int[] got = new int[n], want = new int[n];
            for (int i = 0; i < n; i++) {
                got[i] = back.getInt(4 * i);
                want[i] = i >= 10 && i < 30 ? 0 : i >= 500 && i < 600 ? -(i - 500) : i + 1;
            }
            for (int i = 900; i < 950; i++) want[i] = want[i - 890];
            assertArrayEquals(want, got);
            ByteBuffer tail = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            api.read(b, 4L * (n - 2), tail);
            assertEquals(want[n - 2], tail.getInt(0));
            assertEquals(want[n - 1], tail.getInt(4));
        } finally {
            api.free(a);
            api.free(b);
        }
    }

    @Test
    void tooLargeAllocationIsDeviceOutOfMemory() {
        DeviceOutOfMemoryError e = assertThrows(DeviceOutOfMemoryError.class, () -> api.malloc(api.totalMemory() * 4));
        assertTrue(e.getMessage().contains("cuMemAlloc") && e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), e.getMessage());
        Object ok = api.malloc(1 << 20);   // the context survives
        api.free(ok);
    }

    @Test
    void badLaunchesAreErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> api.launch("no_such_kernel", new long[] {1}, new long[] {1}));
        assertTrue(e.getMessage().contains("no kernel named 'no_such_kernel'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> api.launch("fill_f32", new long[] {256}, new long[] {256}, 1, 2));
        assertTrue(e.getMessage().startsWith("kernel fill_f32 takes 4 arguments"), e.getMessage());
        api.finish();
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
