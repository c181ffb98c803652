package dev.vq4j.cuda;

import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceApi;
import dev.vq4j.kernels.device.DeviceCheck;
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
 * On a CUDA GPU (skipped elsewhere, CI included): what is particular to CUDA — the device description,
 * device memory (copies at offsets, zeroing, out of memory) and launch errors. The kernels themselves
 * are checked against the reference by the OpenCL module's kernel suite pointed at CUDA
 * ({@code -Dvq4j.kernelTestDevice=cuda:0}, see docs/GPU.md): the same kernel sources, the same tests.
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
