package dev.vq4j.kernels.device;

import dev.vq4j.core.*;

import java.util.EnumSet;
import java.util.Set;

/** Fused flash-style attention, forward and backward (attention.cl). Not on the device yet: every call returns false and runs through {@link HostFallback}. */
final class DeviceAttention {
    static final Set<Kernel> NATIVE = EnumSet.noneOf(Kernel.class);

    private DeviceAttention() {}

    static boolean forward(DeviceKernelBackend be, View q, View k, View v, View out, View logsumexp, float scale, boolean causal) {
        return false;
    }

    static boolean backward(DeviceKernelBackend be, View q, View k, View v, View out, View logsumexp, View gradOut,
                            View gradQ, View gradK, View gradV, float scale, boolean causal) {
        return false;
    }
}
