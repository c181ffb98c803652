package dev.vq4j.cuda;

import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceApi;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vq4j.cuda.CudaCheck.check;

/**
 * {@link DeviceApi} on CUDA through JCuda's driver API: the device's primary context, made current
 * on whichever thread calls (the garbage collector's cleaner frees memory from its own thread), and
 * the default stream, so every copy and launch runs in order and a blocking read waits for the
 * kernels before it. The kernels are one PTX module, the newest target in the jar the device runs
 * ({@link CudaPtx}), JIT-compiled by the driver when the backend opens.
 *
 * <p>Every driver call is checked and its error names the call. A kernel's own fault (an illegal
 * address) surfaces at the next call that synchronises; the error then names the last kernel
 * launched. {@code -Dvq4j.cuda.sync=true} synchronises after every launch, to pin a fault on its kernel.
 */
public final class CudaApi implements DeviceApi {
    private static final boolean SYNC = Boolean.getBoolean("vq4j.cuda.sync");

    private final CudaDevices.Entry entry;
    private final Device device;
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final CudaPtx.Target target;
    private final Map<String, List<CudaPtx.Param>> signatures;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private String lastKernel = "none";
    private boolean closed;

    public CudaApi(CudaDevices.Entry entry) {
        this.entry = entry;
        this.device = new Device("cuda", entry.index());
        String why = CudaPtx.unsuitableReason(entry.major(), entry.minor());
        if (why != null) throw new IllegalStateException("cannot run vq4j's kernels on " + entry.describe() + ": " + why);
        target = CudaPtx.select(entry.major(), entry.minor());
        String ptx = CudaPtx.text(target);
        signatures = CudaPtx.entries(ptx);
        JCudaDriver.setExceptionsEnabled(true);
        check("cuDevicePrimaryCtxRetain(" + device + ")", () -> JCudaDriver.cuDevicePrimaryCtxRetain(context, entry.device()));
        try {
            current();
            byte[] image = CudaPtx.image(ptx);
            check("cuModuleLoadData(" + target.resource() + ", " + image.length + " bytes; the driver JIT-compiles the PTX for compute capability "
                    + entry.major() + "." + entry.minor() + ")", () -> JCudaDriver.cuModuleLoadData(module, image));
        } catch (RuntimeException e) {
            JCudaDriver.cuDevicePrimaryCtxRelease(entry.device());
            throw e;
        }
    }

    /** Makes the context current on the calling thread (cheap when it already is). */
    private void current() {
        if (closed) throw new IllegalStateException(device + " was closed");
        check("cuCtxSetCurrent(" + device + ")", () -> JCudaDriver.cuCtxSetCurrent(context));
    }

    /** The PTX this device runs, e.g. {@code /dev/vq4j/cuda/vq4j.ptx}. */
    public String ptxResource() {
        return target.resource();
    }

    @Override
    public String type() {
        return "cuda";
    }

    @Override
    public String describe() {
        return entry.describe() + ", PTX " + target.resource().substring(target.resource().lastIndexOf('/') + 1);
    }

    @Override
    public long totalMemory() {
        return entry.totalMemory();
    }

    @Override
    public synchronized Object malloc(long bytes) {
        current();
        CUdeviceptr p = new CUdeviceptr();
        check("cuMemAlloc(" + bytes + " bytes on " + device + ")", () -> JCudaDriver.cuMemAlloc(p, bytes));
        return p;
    }

    @Override
    public synchronized void free(Object handle) {
        if (closed) return; // the context is gone, and the memory with it
        current();
        check("cuMemFree" + after(), () -> JCudaDriver.cuMemFree((CUdeviceptr) handle));
    }

    @Override
    public synchronized void zero(Object handle, long offset, long bytes) {
        current();
        check("cuMemsetD8(" + bytes + " bytes at offset " + offset + ")" + after(),
                () -> JCudaDriver.cuMemsetD8(at(handle, offset), (byte) 0, bytes));
    }

    @Override
    public synchronized void write(Object handle, long offset, ByteBuffer src) {
        current();
        long n = src.remaining();
        check("cuMemcpyHtoD(" + n + " bytes to offset " + offset + ")" + after(),
                () -> JCudaDriver.cuMemcpyHtoD(at(handle, offset), Pointer.toBuffer(src), n));
    }

    @Override
    public synchronized void read(Object handle, long offset, ByteBuffer dst) {
        current();
        long n = dst.remaining();
        check("cuMemcpyDtoH(" + n + " bytes from offset " + offset + ")" + after(),
                () -> JCudaDriver.cuMemcpyDtoH(Pointer.toBuffer(dst), at(handle, offset), n));
    }

    @Override
    public synchronized void copy(Object src, long srcOffset, Object dst, long dstOffset, long bytes) {
        current();
        check("cuMemcpyDtoD(" + bytes + " bytes, offset " + srcOffset + " to " + dstOffset + ")" + after(),
                () -> JCudaDriver.cuMemcpyDtoD(at(dst, dstOffset), at(src, srcOffset), bytes));
    }

    private static CUdeviceptr at(Object handle, long offset) {
        CUdeviceptr p = (CUdeviceptr) handle;
        return offset == 0 ? p : p.withByteOffset(offset);
    }

    /** For errors of calls that wait on earlier work: which kernel ran last. */
    private String after() {
        return " (last kernel launched: " + lastKernel + ")";
    }

    @Override
    public synchronized void launch(String name, long[] global, long[] local, Object... args) {
        current();
        CUfunction f = functions.get(name);
        if (f == null) {
            if (!signatures.containsKey(name))
                throw new IllegalArgumentException("CUDA: no kernel named '" + name + "' in vq4j's PTX (" + target.resource() + ")");
            CUfunction g = new CUfunction();
            check("cuModuleGetFunction(" + name + ")", () -> JCudaDriver.cuModuleGetFunction(g, module, name));
            functions.put(name, g);
            f = g;
        }
        int[] grid = new int[3], block = new int[3];
        CudaLaunch.geometry(name, global, local, grid, block);
        Pointer params = CudaArgs.kernelParams(CudaArgs.values(name, device, signatures.get(name), args));
        CUfunction fn = f;
        lastKernel = name;
        check("cuLaunchKernel(" + name + ", grid " + grid[0] + "x" + grid[1] + "x" + grid[2] + ", block " + block[0] + "x" + block[1] + "x" + block[2] + ")",
                () -> JCudaDriver.cuLaunchKernel(fn, grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, null, params, null));
        if (SYNC) check("cuCtxSynchronize after " + name + " (vq4j.cuda.sync)", JCudaDriver::cuCtxSynchronize);
    }

    @Override
    public synchronized void finish() {
        current();
        check("cuCtxSynchronize" + after(), JCudaDriver::cuCtxSynchronize);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        try {
            current();
            check("cuCtxSynchronize" + after(), JCudaDriver::cuCtxSynchronize);
            check("cuModuleUnload", () -> JCudaDriver.cuModuleUnload(module));
        } finally {
            functions.clear();
            closed = true;
            check("cuDevicePrimaryCtxRelease(" + device + ")", () -> JCudaDriver.cuDevicePrimaryCtxRelease(entry.device()));
        }
    }
}
