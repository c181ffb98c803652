package dev.vq4j.cuda;

import dev.vq4j.core.DType;
import dev.vq4j.kernels.device.DeviceApi;
import dev.vq4j.kernels.device.DeviceBuffer;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import dev.vq4j.kernels.device.Strided;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static dev.vq4j.cuda.CudaPtx.Kind.F32;
import static dev.vq4j.cuda.CudaPtx.Kind.STRUCT;
import static dev.vq4j.cuda.CudaPtx.Kind.U32;
import static dev.vq4j.cuda.CudaPtx.Kind.U64;
import static dev.vq4j.cuda.CudaPtx.Kind.U8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kernel arguments as cuLaunchKernel gets them, the checks against the PTX parameters, and the launch geometry. No GPU needed. */
class CudaArgsTest {
    private static final List<CudaPtx.Param> SIGNATURE = List.of(p(U64, 8), p(STRUCT, Strided.BYTES), p(F32, 4), p(U32, 4),
            p(U64, 8), p(U8, 1), p(U64, 8));
    private final DeviceKernelBackend be = RecordingCudaApi.backend(0, Map.of());

    private static CudaPtx.Param p(CudaPtx.Kind kind, int bytes) {
        return new CudaPtx.Param(kind, bytes);
    }

    private Object[] args(DeviceBuffer buf) {
        ByteBuffer strided = Strided.of(new int[] {3, 4}, new int[] {4, 1}, 5);
        return new Object[] {buf, strided, 2.5f, 7, 1L << 40, (byte) 1, DeviceApi.NO_BUFFER};
    }

    @Test
    void everyArgumentKindBecomesItsValue() {
        try (DeviceBuffer buf = be.allocateUninitialised(DType.FLOAT32, 12)) {
            Object[] v = CudaArgs.values("k", be.device(), SIGNATURE, args(buf));
            assertSame(buf.handle(), v[0], "a tensor passes its CUdeviceptr");
            ByteBuffer s = assertInstanceOf(ByteBuffer.class, v[1]);
            assertEquals(Strided.BYTES, s.remaining());
            assertEquals(2, s.order(java.nio.ByteOrder.nativeOrder()).getInt(0), "rank first");
            assertEquals(5, s.getInt(4), "then the offset");
            assertArrayEquals(new float[] {2.5f}, (float[]) v[2]);
            assertArrayEquals(new int[] {7}, (int[]) v[3]);
            assertArrayEquals(new long[] {1L << 40}, (long[]) v[4]);
            assertArrayEquals(new byte[] {1}, (byte[]) v[5]);
            CUdeviceptr none = assertInstanceOf(CUdeviceptr.class, v[6]);
            assertEquals(new CUdeviceptr().toString(), none.toString(), "NO_BUFFER is a null pointer");
            Pointer params = CudaArgs.kernelParams(v);
            assertNotNull(params);
            assertTrue(params.toString().startsWith("Pointer[pointers=["), params.toString());
        }
    }

    /** A struct's position is honoured: only its remaining bytes are the parameter. */
    @Test
    void structSliceStartsAtItsPosition() {
        ByteBuffer big = ByteBuffer.allocateDirect(8 + Strided.BYTES);
        big.position(8);
        Object[] v = CudaArgs.values("k", be.device(), List.of(p(STRUCT, Strided.BYTES)), new Object[] {big});
        ByteBuffer s = (ByteBuffer) v[0];
        assertEquals(0, s.position());
        assertEquals(Strided.BYTES, s.capacity());
    }

    @Test
    void withoutASignatureOnlyTheTypesAreChecked() {
        try (DeviceBuffer buf = be.allocateUninitialised(DType.FLOAT32, 12)) {
            assertEquals(7, CudaArgs.values("k", be.device(), null, args(buf)).length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaArgs.values("k", be.device(), null, new Object[] {1.5}));
            assertEquals("kernel k: unsupported argument 0 of type java.lang.Double", e.getMessage());
        }
    }

    @Test
    void mismatchesWithThePtxAreErrorsNamingKernelAndParameter() {
        try (DeviceBuffer buf = be.allocateUninitialised(DType.FLOAT32, 12)) {
            Object[] ok = args(buf);
            assertEquals("kernel k takes 7 arguments [u64, struct[72 bytes], f32, u32, u64, u8, u64], the launch passed 6",
                    message(() -> CudaArgs.values("k", be.device(), SIGNATURE, java.util.Arrays.copyOf(ok, 6))));
            Object[] intForFloat = ok.clone();
            intForFloat[2] = 3;
            assertEquals("kernel k: parameter 2 is f32 in the PTX, the launch passed Integer 3",
                    message(() -> CudaArgs.values("k", be.device(), SIGNATURE, intForFloat)));
            Object[] intForLong = ok.clone();
            intForLong[4] = 3;
            assertEquals("kernel k: parameter 4 is u64 in the PTX, the launch passed Integer 3",
                    message(() -> CudaArgs.values("k", be.device(), SIGNATURE, intForLong)));
            Object[] shortStruct = ok.clone();
            shortStruct[1] = ByteBuffer.allocateDirect(64);
            assertEquals("kernel k: parameter 1 is struct[72 bytes] in the PTX, the launch passed a struct of 64 bytes",
                    message(() -> CudaArgs.values("k", be.device(), SIGNATURE, shortStruct)));
            Object[] bufferForInt = ok.clone();
            bufferForInt[3] = buf;
            assertEquals("kernel k: parameter 3 is u32 in the PTX, the launch passed a tensor (a pointer)",
                    message(() -> CudaArgs.values("k", be.device(), SIGNATURE, bufferForInt)));
            Object[] nul = ok.clone();
            nul[0] = null;
            assertTrue(message(() -> CudaArgs.values("k", be.device(), SIGNATURE, nul)).contains("NO_BUFFER"));
        }
    }

    @Test
    void aTensorOfAnotherDeviceIsRefused() {
        DeviceKernelBackend other = RecordingCudaApi.backend(1, Map.of());
        try (DeviceBuffer buf = other.allocateUninitialised(DType.FLOAT32, 12)) {
            assertEquals("kernel k: argument 0 is a tensor on cuda:1, the kernel runs on cuda:0",
                    message(() -> CudaArgs.values("k", be.device(), SIGNATURE, args(buf))));
        }
    }

    @Test
    void ndRangeBecomesGridAndBlock() {
        int[] grid = new int[3], block = new int[3];
        CudaLaunch.geometry("k", new long[] {1024}, new long[] {256}, grid, block);
        assertArrayEquals(new int[] {4, 1, 1}, grid);
        assertArrayEquals(new int[] {256, 1, 1}, block);
        CudaLaunch.geometry("k", new long[] {64, 48, 3}, new long[] {16, 16, 1}, grid, block);
        assertArrayEquals(new int[] {4, 3, 3}, grid);
        assertArrayEquals(new int[] {16, 16, 1}, block);
        assertEquals("kernel k: global size 100 in dimension 0 is not a positive multiple of the group size 64",
                message(() -> CudaLaunch.geometry("k", new long[] {100}, new long[] {64}, grid, block)));
        assertEquals("kernel k: a block of 2048 threads exceeds CUDA's limit of 1024",
                message(() -> CudaLaunch.geometry("k", new long[] {64, 32}, new long[] {64, 32}, grid, block)));
        assertEquals("kernel k: 65536 blocks in dimension 1 exceed CUDA's grid limit",
                message(() -> CudaLaunch.geometry("k", new long[] {1, 65536}, new long[] {1, 1}, grid, block)));
        CudaLaunch.geometry("k", new long[] {256L * 65536 * 4}, new long[] {256}, grid, block);
        assertEquals(65536 * 4, grid[0], "dimension 0 takes up to 2^31-1 blocks");
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
