package dev.vq4j.cuda;

import dev.vq4j.core.Backend;
import dev.vq4j.core.BackendProvider;
import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceKernelBackend;

import java.util.List;

/** Registers CUDA devices as {@code cuda:n}; unavailable, with the reason, without PTX, driver or GPU. */
public final class CudaProvider implements BackendProvider {
    /** Above OpenCL (20) and the cpu backend: on an NVIDIA GPU, {@code auto} picks CUDA. */
    static final int PRIORITY = 30;

    @Override
    public String type() {
        return "cuda";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public String unavailableReason() {
        return CudaDevices.unavailableReason();
    }

    @Override
    public List<String> devices() {
        return CudaDevices.list().stream().map(CudaDevices.Entry::describe).toList();
    }

    @Override
    public Backend create(int index) {
        List<CudaDevices.Entry> ds = CudaDevices.list();
        if (index < 0 || index >= ds.size()) {
            String why = CudaDevices.unavailableReason();
            throw new IllegalArgumentException("no device cuda:" + index + "; this machine has " + ds.size() + " CUDA device(s)"
                    + (why != null ? " (" + why + ")" : ""));
        }
        return new DeviceKernelBackend(new Device("cuda", index), new CudaApi(ds.get(index)), PRIORITY);
    }
}
