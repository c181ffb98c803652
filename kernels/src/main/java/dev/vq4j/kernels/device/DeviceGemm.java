package dev.vq4j.kernels.device;

import dev.vq4j.core.*;

import java.util.EnumSet;
import java.util.Set;

/** Batched SGEMM tiled through local memory (gemm.cl). Not on the device yet: every call returns false and runs through {@link HostFallback}. */
final class DeviceGemm {
    static final Set<Kernel> NATIVE = EnumSet.noneOf(Kernel.class);

    private DeviceGemm() {}

    static boolean matmul(DeviceKernelBackend be, View a, View b, View out) {
        return false;
    }
}
