package dev.vq4j.opencl;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceTesting;

/**
 * The device backend under test: {@code opencl:0}, or the device named by
 * {@code -Dvq4j.kernelTestDevice} (e.g. {@code cuda:0}: the same kernel suite then checks the CUDA
 * backend, whose kernels are the same sources). Skips or fails as {@link DeviceTesting} says.
 */
public final class OpenClTesting {
    private OpenClTesting() {}

    public static Backend backend() {
        return DeviceTesting.require(Device.parse(System.getProperty("vq4j.kernelTestDevice", "opencl:0")));
    }
}
