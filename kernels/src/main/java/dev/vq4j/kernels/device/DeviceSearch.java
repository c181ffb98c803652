package dev.vq4j.kernels.device;

import dev.vq4j.core.*;

import java.util.EnumSet;
import java.util.Set;

/** The fused nearest-codebook search (search.cl). Not on the device yet: every call returns false and runs through {@link HostFallback}. */
final class DeviceSearch {
    static final Set<Kernel> NATIVE = EnumSet.noneOf(Kernel.class);

    private DeviceSearch() {}

    static boolean nearestCodes(DeviceKernelBackend be, View x, View codes, int topK, boolean cosine, View outIndices, View outDistances) {
        return false;
    }
}
