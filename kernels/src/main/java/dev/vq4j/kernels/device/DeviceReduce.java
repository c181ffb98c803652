package dev.vq4j.kernels.device;

import dev.vq4j.core.*;

import java.util.EnumSet;
import java.util.Set;

/** Reductions over trailing dims (reduce.cl). Not on the device yet: every call returns false and runs through {@link HostFallback}. */
final class DeviceReduce {
    static final Set<Kernel> NATIVE = EnumSet.noneOf(Kernel.class);

    private DeviceReduce() {}

    static boolean reduce(DeviceKernelBackend be, ReduceOp op, View x, int reducedDims, View out) {
        return false;
    }
}
