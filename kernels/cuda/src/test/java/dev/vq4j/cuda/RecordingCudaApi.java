package dev.vq4j.cuda;

import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceApi;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import jcuda.driver.CUdeviceptr;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link DeviceApi} without a GPU for the tests that check what the shared backend would hand to
 * CUDA: memory handles are unallocated {@link CUdeviceptr}s, copies do nothing, and each launch is
 * checked as {@link CudaApi#launch} checks it (the kernel exists in the PTX, the geometry fits CUDA,
 * the arguments match the kernel's PTX parameters) and then recorded instead of run.
 */
final class RecordingCudaApi implements DeviceApi {
    final Device device;
    private final Map<String, List<CudaPtx.Param>> signatures;
    final Set<String> launched = new TreeSet<>();
    /** Launches recorded, repeats included. */
    int launches;

    RecordingCudaApi(Device device, Map<String, List<CudaPtx.Param>> signatures) {
        this.device = device;
        this.signatures = signatures;
    }

    static DeviceKernelBackend backend(int index, Map<String, List<CudaPtx.Param>> signatures) {
        Device d = new Device("cuda", index);
        return new DeviceKernelBackend(d, new RecordingCudaApi(d, signatures), CudaProvider.PRIORITY);
    }

    @Override public String type() { return "cuda"; }
    @Override public String describe() { return "recording CUDA API (no GPU)"; }
    @Override public long totalMemory() { return 1L << 30; }
    @Override public Object malloc(long bytes) { return new CUdeviceptr(); }
    @Override public void free(Object handle) { }
    @Override public void zero(Object handle, long offset, long bytes) { }
    @Override public void write(Object handle, long offset, ByteBuffer src) { }
    @Override public void read(Object handle, long offset, ByteBuffer dst) { }
    @Override public void copy(Object src, long srcOffset, Object dst, long dstOffset, long bytes) { }
    @Override public void finish() { }
    @Override public void close() { }

    @Override
    public void launch(String kernel, long[] global, long[] local, Object... args) {
        if (!signatures.containsKey(kernel)) throw new IllegalArgumentException("CUDA: no kernel named '" + kernel + "' in vq4j's PTX");
        CudaLaunch.geometry(kernel, global, local, new int[3], new int[3]);
        CudaArgs.kernelParams(CudaArgs.values(kernel, device, signatures.get(kernel), args));
        launched.add(kernel);
        launches++;
    }
}
