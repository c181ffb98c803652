package dev.vq4j.opencl;

import dev.vq4j.core.Backend;
import dev.vq4j.core.BackendProvider;
import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceKernelBackend;

import java.util.List;

/** Registers OpenCL devices as {@code opencl:n}; unavailable, with the reason, when there is no driver or device. */
public final class OpenClProvider implements BackendProvider {
    @Override
    public String type() {
        return "opencl";
    }

    /** Above the cpu backend for {@code auto}: a real GPU is faster, and PoCL on a CPU is picked only when asked for. */
    @Override
    public int priority() {
        List<OpenClDevices.Entry> ds = OpenClDevices.list();
        boolean gpu = !ds.isEmpty() && OpenClDevices.deviceLong(ds.getFirst().device(), org.jocl.CL.CL_DEVICE_TYPE) == org.jocl.CL.CL_DEVICE_TYPE_GPU;
        return gpu ? 20 : 5;
    }

    @Override
    public String unavailableReason() {
        return OpenClDevices.unavailableReason();
    }

    @Override
    public List<String> devices() {
        return OpenClDevices.list().stream().map(OpenClDevices.Entry::describe).toList();
    }

    @Override
    public Backend create(int index) {
        List<OpenClDevices.Entry> ds = OpenClDevices.list();
        if (index >= ds.size())
            throw new IllegalArgumentException("no device opencl:" + index + "; this machine has " + ds.size() + " OpenCL device(s)");
        return new DeviceKernelBackend(new Device("opencl", index), new OpenClApi(ds.get(index)), priority());
    }
}
