package dev.vq4j.kernels.device;

import dev.vq4j.core.*;

import java.util.EnumSet;
import java.util.Set;

/** Group norm and softmax, forward and backward (norm.cl). Not on the device yet: every call returns false and runs through {@link HostFallback}. */
final class DeviceNorm {
    static final Set<Kernel> NATIVE = EnumSet.noneOf(Kernel.class);

    private DeviceNorm() {}

    static boolean groupNorm(DeviceKernelBackend be, View x, View weight, View bias, int groups, float eps, boolean swish, View out, View mean, View rstd) {
        return false;
    }

    static boolean groupNormBackward(DeviceKernelBackend be, View x, View weight, View bias, int groups, boolean swish, View mean, View rstd,
                                     View gradOut, View gradX, View gradWeight, View gradBias) {
        return false;
    }

    static boolean softmax(DeviceKernelBackend be, View x, View out, boolean log) {
        return false;
    }

    static boolean softmaxBackward(DeviceKernelBackend be, View y, View gradOut, View gradIn, boolean log) {
        return false;
    }
}
