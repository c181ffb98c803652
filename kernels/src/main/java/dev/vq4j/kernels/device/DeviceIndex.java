package dev.vq4j.kernels.device;

import dev.vq4j.core.*;

import java.util.EnumSet;
import java.util.Set;

/** index_select, index_add, gather, scatter_add (index.cl). Not on the device yet: every call returns false and runs through {@link HostFallback}. */
final class DeviceIndex {
    static final Set<Kernel> NATIVE = EnumSet.noneOf(Kernel.class);

    private DeviceIndex() {}

    static boolean indexSelect(DeviceKernelBackend be, View x, int dim, View index, View out) {
        return false;
    }

    static boolean indexAdd(DeviceKernelBackend be, View dst, int dim, View index, View src) {
        return false;
    }

    static boolean gather(DeviceKernelBackend be, View x, int dim, View index, View out) {
        return false;
    }

    static boolean scatterAdd(DeviceKernelBackend be, View dst, int dim, View index, View src) {
        return false;
    }
}
