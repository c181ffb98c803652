package dev.vq4j.kernels.device;

import dev.vq4j.core.*;

import java.util.EnumSet;
import java.util.Set;

/** Pooling, upsampling, padding and their adjoints (pool.cl). Not on the device yet: every call returns false and runs through {@link HostFallback}. */
final class DevicePool {
    static final Set<Kernel> NATIVE = EnumSet.noneOf(Kernel.class);

    private DevicePool() {}

    static boolean maxPool2d(DeviceKernelBackend be, View x, View out, View indices, Pool2dParams p) {
        return false;
    }

    static boolean avgPool2d(DeviceKernelBackend be, View x, View out, Pool2dParams p) {
        return false;
    }

    static boolean avgPool2dBackward(DeviceKernelBackend be, View gradOut, View gradIn, Pool2dParams p) {
        return false;
    }

    static boolean upsample2d(DeviceKernelBackend be, UpsampleMode mode, boolean alignCorners, View x, View out) {
        return false;
    }

    static boolean upsample2dBackward(DeviceKernelBackend be, UpsampleMode mode, boolean alignCorners, View gradOut, View gradIn) {
        return false;
    }

    static boolean pad(DeviceKernelBackend be, PadMode mode, int[] pads, float value, View x, View out) {
        return false;
    }

    static boolean padBackward(DeviceKernelBackend be, PadMode mode, int[] pads, View gradOut, View gradIn) {
        return false;
    }
}
