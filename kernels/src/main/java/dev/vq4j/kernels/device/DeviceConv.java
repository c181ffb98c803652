package dev.vq4j.kernels.device;

import dev.vq4j.core.*;

import java.util.EnumSet;
import java.util.Set;

/** conv2d forward, input gradient and weight gradient (conv.cl). Not on the device yet: every call returns false and runs through {@link HostFallback}. */
final class DeviceConv {
    static final Set<Kernel> NATIVE = EnumSet.noneOf(Kernel.class);

    private DeviceConv() {}

    static boolean conv2d(DeviceKernelBackend be, View x, View w, View out, Conv2dParams p) {
        return false;
    }

    static boolean inputGrad(DeviceKernelBackend be, View gradOut, View w, View gradIn, Conv2dParams p) {
        return false;
    }

    static boolean weightGrad(DeviceKernelBackend be, View x, View gradOut, View gradW, Conv2dParams p) {
        return false;
    }
}
