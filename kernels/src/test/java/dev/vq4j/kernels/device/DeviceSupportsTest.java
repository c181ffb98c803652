package dev.vq4j.kernels.device;

import dev.vq4j.core.Device;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a device: the shared device backend's {@code supports(kernel)} agrees with where each call
 * runs. A supported kernel does device work (a launch, or a device copy) and never reaches the host
 * fallback; a kernel the backend was told to run on the host ({@code -Dvq4j.hostKernels}) launches
 * nothing, goes through the fallback once per call, and gives the reference's result. The kernel
 * suites of the OpenCL and CUDA modules check the same on a real device (OpenClSupportsTest).
 */
class DeviceSupportsTest {
    private static DeviceKernelBackend backend(HostMemoryApi api, Set<Kernel> hostKernels) {
        return new DeviceKernelBackend(new Device("test", 0), api, 0, hostKernels);
    }

    @Test
    void everySupportedKernelRunsOnTheDeviceWithoutFallingBack() {
        HostMemoryApi api = new HostMemoryApi();
        DeviceKernelBackend be = backend(api, Set.of());
        DeviceCheck c = new DeviceCheck(be, 5);
        for (Kernel k : Kernel.values()) {
            assertTrue(be.supports(k), k + " has a device kernel: supported");
            KernelCalls.Call call = KernelCalls.prepare(k, c);
            int launches = api.launched.size(), copies = api.deviceCopies;
            long[] before = hostCalls(be);
            call.onDevice().run();
            assertTrue(api.launched.size() > launches || api.deviceCopies > copies, k + ": no device work");
            for (Kernel other : Kernel.values())
                assertEquals(before[other.ordinal()], be.hostCalls(other), k + " sent a " + other + " call to the host");
        }
    }

    @Test
    void aKernelSentToTheHostIsUnsupportedRunsThroughTheFallbackAndMatchesTheReference() {
        HostMemoryApi api = new HostMemoryApi();
        DeviceKernelBackend be = backend(api, EnumSet.allOf(Kernel.class));
        DeviceCheck c = new DeviceCheck(be, 6);
        for (Kernel k : Kernel.values()) {
            assertFalse(be.supports(k), k.id());
            KernelCalls.Call call = KernelCalls.prepare(k, c);
            long calls = be.hostCalls(k);
            call.onDevice().run();
            call.onReference().run();
            assertEquals(calls + 1, be.hostCalls(k), k + " did not go through the host fallback");
            for (View[] out : call.outputs()) DeviceCheck.assertClose(k + " on the host fallback", out, call.tolerance());
        }
        assertEquals(java.util.List.of(), api.launched, "nothing may launch when every kernel is sent to the host");
        assertEquals(0, api.deviceCopies);
    }

    @Test
    void onlyTheNamedKernelsLeaveTheDevice() {
        HostMemoryApi api = new HostMemoryApi();
        Set<Kernel> host = DeviceKernelBackend.parseHostKernels(" nearest_codes , ATTENTION ");
        assertEquals(EnumSet.of(Kernel.NEAREST_CODES, Kernel.ATTENTION), host);
        DeviceKernelBackend be = backend(api, host);
        for (Kernel k : Kernel.values()) assertEquals(!host.contains(k), be.supports(k), k.id());
        DeviceCheck c = new DeviceCheck(be, 7);
        for (Kernel k : new Kernel[] {Kernel.NEAREST_CODES, Kernel.MATMUL}) {
            KernelCalls.Call call = KernelCalls.prepare(k, c);
            int launches = api.launched.size();
            call.onDevice().run();
            assertEquals(host.contains(k) ? 1 : 0, be.hostCalls(k), k.id());
            assertEquals(!host.contains(k), api.launched.size() > launches, k.id());
        }
        assertTrue(DeviceKernelBackend.parseHostKernels("").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceKernelBackend.parseHostKernels("matmul,convolution"));
        assertTrue(e.getMessage().contains("unknown kernel 'convolution'"), e.getMessage());
    }

    @Test
    void everyKernelHasADeviceImplementation() {
        assertEquals(EnumSet.allOf(Kernel.class), DeviceKernelBackend.nativeKernels());
    }

    private static long[] hostCalls(DeviceKernelBackend be) {
        long[] n = new long[Kernel.values().length];
        for (Kernel k : Kernel.values()) n[k.ordinal()] = be.hostCalls(k);
        return n;
    }
}
