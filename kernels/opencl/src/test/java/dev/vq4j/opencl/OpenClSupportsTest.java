package dev.vq4j.opencl;

import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import dev.vq4j.kernels.device.KernelCalls;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On the device: for every kernel, what {@code supports(kernel)} says is where an ordinary call runs. A
 * supported kernel's call makes no host-fallback call at all (of it or of any other kernel) and matches
 * the reference; an unsupported one (only with -Dvq4j.hostKernels) goes through the fallback once.
 * (Without a device, DeviceSupportsTest in the kernels module checks the same dispatch on recorded launches.)
 */
class OpenClSupportsTest {
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 29);

    @Test
    void supportsAgreesWithWhereEachKernelRuns() {
        DeviceKernelBackend be = (DeviceKernelBackend) c.dev;
        for (Kernel k : Kernel.values()) {
            KernelCalls.Call call = KernelCalls.prepare(k, c);
            long[] before = new long[Kernel.values().length];
            for (Kernel o : Kernel.values()) before[o.ordinal()] = be.hostCalls(o);
            call.onDevice().run();
            call.onReference().run();
            for (Kernel o : Kernel.values()) {
                long expected = before[o.ordinal()] + (o == k && !be.supports(k) ? 1 : 0);
                assertEquals(expected, be.hostCalls(o), k.id() + " (supports: " + be.supports(k) + "): host-fallback calls of " + o.id());
            }
            for (View[] out : call.outputs()) DeviceCheck.assertClose(k.id() + " on " + be.device(), out, call.tolerance());
        }
    }
}
